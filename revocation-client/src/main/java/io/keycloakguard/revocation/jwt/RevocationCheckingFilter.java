package io.keycloakguard.revocation.jwt;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * A Jakarta Servlet filter for resource servers: lets a request through only with a valid Keycloak access
 * token that is not revoked; answers 401 with an RFC 6750 {@code WWW-Authenticate} header otherwise (its
 * {@code error_description} says "token revoked", "revocation status unknown (feed stale)" for a fail-closed client
 * whose feed is stale, or "invalid token"), and 503 with {@code Retry-After} while a fail-open client's feed has not
 * loaded. The verified claims are in the request attribute {@value #CLAIMS_ATTRIBUTE}.
 */
public final class RevocationCheckingFilter implements Filter {

    public static final String CLAIMS_ATTRIBUTE = "io.keycloakguard.claims";

    private final BearerTokenCheck check;

    public RevocationCheckingFilter(BearerTokenCheck check) {
        this.check = check;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        BearerTokenCheck.Result result = check.check(http.getHeader("Authorization"));
        if (result.outcome() == BearerTokenCheck.Outcome.ACCEPTED) {
            request.setAttribute(CLAIMS_ATTRIBUTE, result.claims());
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse out = (HttpServletResponse) response;
        switch (result.outcome()) {
            case MISSING -> out.setHeader("WWW-Authenticate", "Bearer");
            case UNAVAILABLE -> {
                out.setHeader("Retry-After", "1");
                out.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                return;
            }
            default -> out.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\""
                    + switch (result.outcome()) {
                        case REVOKED -> "token revoked";
                        case STALE -> "revocation status unknown (feed stale)";
                        default -> "invalid token";
                    } + "\"");
        }
        out.sendError(HttpServletResponse.SC_UNAUTHORIZED);
    }
}
