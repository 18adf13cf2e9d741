package io.keycloakguard.it.clients;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/app-integration.md's Spring Boot quick start is the example application SpringBoot3ClientIT and
 * SpringBoot4ClientIT run (issue 23 item 6): its Java block is ExampleApplication from {@code @SpringBootApplication}
 * on, its properties block the example's application.properties without comments.
 */
class SpringBootQuickStartDocsTest {

    private static final Path EXAMPLE = Path.of("clients/spring-boot/example/src/main");

    @Test
    void theDocsShowTheExampleTheTestsRun() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent(); // run in integration-tests/, as SpringBootApp.jar
        String docs = Files.readString(root.resolve("docs/app-integration.md"));
        int start = docs.indexOf("### Spring Boot");
        assertTrue(start >= 0, "no Spring Boot section in docs/app-integration.md");
        int end = docs.indexOf("\n### ", start + 1);
        String section = docs.substring(start, end < 0 ? docs.length() : end);

        String source = Files.readString(root.resolve(EXAMPLE).resolve("java/io/keycloakguard/example/ExampleApplication.java"));
        assertEquals(lines(source.substring(source.indexOf("@SpringBootApplication"))), lines(block(section, "java")),
                "the Java block of the Spring Boot section is not clients/spring-boot/example's ExampleApplication");

        List<String> properties = lines(Files.readString(root.resolve(EXAMPLE).resolve("resources/application.properties")))
                .stream().filter(line -> !line.startsWith("#")).toList();
        assertEquals(properties, lines(block(section, "properties")),
                "the properties block of the Spring Boot section is not the example's application.properties");
    }

    private static String block(String markdown, String language) {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        assertTrue(m.find(), "no ```" + language + " block");
        return m.group(1);
    }

    /** Non-blank lines without leading and trailing blanks (the docs indent the blocks inside a list). */
    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
