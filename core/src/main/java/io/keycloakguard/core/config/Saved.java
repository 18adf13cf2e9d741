package io.keycloakguard.core.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What an admin event about authentication touched, by its path: {@code authentication/config/{id}} (a config
 * updated), {@code authentication/executions/{id}/config} (a config created: the console's first save),
 * {@code authentication/flows/{alias}/executions[/execution]} (a step added, or a requirement changed: that flow's
 * steps without a config are checked, as they may limit nothing), {@code authentication/executions/{id}}.
 */
record Saved(Kind kind, String id) {

    enum Kind { CONFIG, EXECUTION, FLOW }

    /** Null when the path names nothing to check. */
    static Saved of(boolean config, String path) {
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
                .map(s -> s.contains("%") ? URLDecoder.decode(s, StandardCharsets.UTF_8) : s).toList();
        int executions = segments.indexOf("executions");
        if (config) {
            if (executions >= 0 && executions + 2 < segments.size()) {
                return new Saved(Kind.EXECUTION, segments.get(executions + 1));
            }
            return segments.isEmpty() ? null : new Saved(Kind.CONFIG, segments.get(segments.size() - 1));
        }
        int flows = segments.indexOf("flows");
        if (flows >= 0 && flows + 1 < segments.size()) {
            return new Saved(Kind.FLOW, segments.get(flows + 1));
        }
        if (executions >= 0 && executions + 1 < segments.size()) {
            return new Saved(Kind.EXECUTION, segments.get(executions + 1));
        }
        return null;
    }
}
