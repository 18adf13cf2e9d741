package io.keycloakguard.it.clients;

/** {@link SpringBootClientIT} on Spring Boot 3.5 (Jedis 6.0 from Boot's BOM). */
class SpringBoot3ClientIT extends SpringBootClientIT {

    @Override
    String module() {
        return "example-boot3";
    }
}
