package io.keycloakguard.events.audit;

import java.util.Locale;

/** The browser or client family of a User-Agent header: coarse on purpose, so records carry no fingerprint. */
final class UserAgentFamily {

    private UserAgentFamily() {
    }

    static String of(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return null;
        }
        String ua = userAgent.toLowerCase(Locale.ROOT);
        if (ua.contains("edg/") || ua.contains("edge/")) {
            return "Edge";
        }
        if (ua.contains("opr/") || ua.contains("opera")) {
            return "Opera";
        }
        if (ua.contains("firefox/") || ua.contains("fxios/")) {
            return "Firefox";
        }
        if (ua.contains("chrome/") || ua.contains("crios/") || ua.contains("chromium/")) {
            return "Chrome";
        }
        if (ua.contains("safari/") && ua.contains("version/")) {
            return "Safari";
        }
        if (ua.startsWith("curl/")) {
            return "curl";
        }
        if (ua.contains("java")) {
            return "Java";
        }
        if (ua.contains("python")) {
            return "Python";
        }
        if (ua.contains("okhttp")) {
            return "OkHttp";
        }
        if (ua.startsWith("go-http-client")) {
            return "Go";
        }
        if (ua.contains("mozilla/")) {
            return "Other browser";
        }
        return "Other";
    }
}
