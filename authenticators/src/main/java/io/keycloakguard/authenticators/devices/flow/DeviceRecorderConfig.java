package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.core.config.OptionReader;

import java.util.Map;

/**
 * The recorder's config, parsed once.
 *
 * @param keepLogins      how many sign-ins of each user the login history keeps
 * @param notifyNewDevice whether to e-mail the user about a sign-in from a new device
 */
public record DeviceRecorderConfig(int keepLogins, boolean notifyNewDevice) {

    static final String KEEP_LOGINS = "keepLogins";
    static final String NOTIFY = "notifyNewDevice";

    public static final DeviceRecorderConfig DEFAULTS = new DeviceRecorderConfig(20, false);

    /** @throws io.keycloakguard.core.config.InvalidConfigurationException naming the field and value */
    public static DeviceRecorderConfig parse(Map<String, String> raw) {
        OptionReader options = new OptionReader(raw::get, key -> switch (key) {
            case KEEP_LOGINS -> "Keep last sign-ins";
            case NOTIFY -> "E-mail on new device";
            default -> key;
        });
        return new DeviceRecorderConfig(options.integer(KEEP_LOGINS, DEFAULTS.keepLogins(), 1, 1000),
                options.bool(NOTIFY, DEFAULTS.notifyNewDevice()));
    }
}
