package io.keycloakguard.it.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which documented options a Markdown page is missing. A provider's options must appear, written as code
 * (`name`), in a section whose heading names the provider as code (`provider-id`): a bare word like
 * "window" or "mode" would otherwise be found anywhere on the page.
 */
final class DocSections {

    private DocSections() {
    }

    /** "provider: option" for every option of {@code optionsByProvider} the page does not document. */
    static Set<String> missingOptions(String markdown, Map<String, ? extends Iterable<String>> optionsByProvider) {
        Set<String> missing = new TreeSet<>();
        optionsByProvider.forEach((provider, options) -> {
            List<String> sections = sectionsNaming(markdown, provider);
            if (sections.isEmpty()) {
                missing.add(provider + ": (no section whose heading names `" + provider + "`)");
                return;
            }
            for (String option : options) {
                if (sections.stream().noneMatch(s -> s.contains("`" + option + "`"))) {
                    missing.add(provider + ": " + option);
                }
            }
        });
        return missing;
    }

    /** The bodies of every section (heading of any level up to the next heading) whose heading names `id`. */
    static List<String> sectionsNaming(String markdown, String id) {
        return sections(markdown, heading -> heading.contains("`" + id + "`"));
    }

    /** The bodies of every section whose heading text is exactly {@code heading}. */
    static List<String> sectionsNamingHeading(String markdown, String heading) {
        return sections(markdown, line -> line.replaceFirst("^#+\\s*", "").trim().equals(heading));
    }

    private static List<String> sections(String markdown, Predicate<String> headingMatches) {
        List<String> sections = new ArrayList<>();
        StringBuilder current = null;
        boolean inCode = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            }
            if (!inCode && line.startsWith("#")) {
                if (current != null) {
                    sections.add(current.toString());
                }
                current = headingMatches.test(line) ? new StringBuilder() : null;
            }
            if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            sections.add(current.toString());
        }
        return sections;
    }

    /** The page's headings (any level), without the leading #s. */
    static List<String> headings(String markdown) {
        List<String> headings = new ArrayList<>();
        boolean inCode = false;
        for (String line : markdown.split("\n", -1)) {
            if (line.startsWith("```")) {
                inCode = !inCode;
            } else if (!inCode && line.startsWith("#")) {
                headings.add(line.replaceFirst("^#+\\s*", "").trim());
            }
        }
        return headings;
    }

    /** The page without every occurrence of `option` as code: a deliberately incomplete copy. */
    static String without(String markdown, String option) {
        return markdown.replace("`" + option + "`", "");
    }
}
