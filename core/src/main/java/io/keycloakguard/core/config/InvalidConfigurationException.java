package io.keycloakguard.core.config;

/** A configuration value the pack cannot use; the message names the option and the value. */
public class InvalidConfigurationException extends IllegalArgumentException {

    public InvalidConfigurationException(String message) {
        super(message);
    }
}
