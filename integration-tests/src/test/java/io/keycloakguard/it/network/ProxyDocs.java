package io.keycloakguard.it.network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The proxy configurations as docs/network-policies.md prints them: each tested one follows a marker
 * {@code <!-- tested by NginxProxyIT: name -->} as a fenced block, so the docs cannot drift from what the tests run.
 */
final class ProxyDocs {

    /** Tests run in the integration-tests module; the docs are beside it. */
    static final Path DOC = Path.of("").toAbsolutePath().getParent().resolve("docs/network-policies.md");
    /** The upstream the docs write; the tests put their Keycloak there. */
    static final String DOC_UPSTREAM = "http://keycloak:8080";
    /** The load balancer's addresses the docs write; the tests put their balancer's there. */
    static final String DOC_BALANCER_NETWORK = "192.0.2.0/24";

    private ProxyDocs() {
    }

    /** The fenced block after the marker with this name, exactly as printed. */
    static String block(String name) {
        String doc;
        try {
            doc = Files.readString(DOC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = Pattern.compile("<!-- tested by NginxProxyIT: " + Pattern.quote(name) + " -->\\s*```[a-z]*\\n(.*?)```",
                Pattern.DOTALL).matcher(doc);
        if (!m.find()) {
            throw new AssertionError("docs/network-policies.md prints no block '" + name + "'");
        }
        return m.group(1);
    }
}
