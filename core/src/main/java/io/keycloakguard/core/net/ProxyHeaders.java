package io.keycloakguard.core.net;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which forwarding headers Keycloak takes the client address from, as its configuration says. Keycloak's
 * {@code proxy-headers} and {@code proxy-trusted-addresses} are server options, not SPI options, so no
 * {@code Config.Scope} holds them: Keycloak maps them to Quarkus's HTTP settings and keeps them in its MicroProfile
 * configuration as {@code kc.proxy-headers} and {@code kc.proxy-trusted-addresses}, whichever way they were given
 * (command line, {@code KC_PROXY_HEADERS}, keycloak.conf). That is where this reads them, once per call.
 *
 * @param headers          {@code forwarded}, {@code xforwarded} or {@code none} (the peer's own address is used)
 * @param trustedAddresses the proxies whose headers Keycloak honours; empty: every peer's
 */
public record ProxyHeaders(String headers, List<String> trustedAddresses) {

    public static final String NONE = "none";

    /** Keycloak's configuration as the running server sees it. */
    public static ProxyHeaders current() {
        Config config = ConfigProvider.getConfig();
        return of(key -> config.getOptionalValue(key, String.class));
    }

    /** From any lookup of Keycloak's {@code kc.*} properties (tests pass a map). */
    static ProxyHeaders of(Function<String, Optional<String>> kcProperty) {
        String headers = kcProperty.apply("kc.proxy-headers").map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty()).orElse(NONE);
        List<String> trusted = kcProperty.apply("kc.proxy-trusted-addresses")
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        return new ProxyHeaders(headers, trusted);
    }

    /** What the status endpoint shows, with a warning for the one setting that lets every client pick its address. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("headers", headers);
        out.put("trustedAddresses", trustedAddresses);
        if (!NONE.equals(headers) && trustedAddresses.isEmpty()) {
            out.put("warning", "proxy-headers is set but proxy-trusted-addresses is not: Keycloak takes forwarding "
                    + "headers from every peer, so any client can choose the address the pack judges");
        } else if (NONE.equals(headers)) {
            out.put("note", "no proxy-headers: the client address is the peer's; behind a reverse proxy every client "
                    + "has the proxy's address");
        }
        return out;
    }
}
