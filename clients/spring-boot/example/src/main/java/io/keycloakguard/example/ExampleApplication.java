package io.keycloakguard.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * A resource server as Spring Boot teams write one: Boot's JWT support configured by properties
 * (application.properties), nothing of Keycloak Guard in the code: the starter adds the revocation check to the
 * decoder Boot builds. The same sources build on Boot 3.5 (example-boot3) and 4.x (example).
 */
@SpringBootApplication
public class ExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @RestController
    static class Me {
        @GetMapping("/api/me")
        Map<String, Object> me(@AuthenticationPrincipal Jwt jwt) {
            return Map.of("sub", jwt.getSubject(),
                    "preferred_username", String.valueOf(jwt.getClaimAsString("preferred_username")));
        }
    }
}
