package io.keycloakguard.it.clients;

/** {@link SpringBootClientIT} on the newest Spring Boot 4 (Jedis 7.4 from Boot's BOM). */
class SpringBoot4ClientIT extends SpringBootClientIT {

    @Override
    String module() {
        return "example";
    }
}
