package io.keycloakguard.authenticators.devices.flow;

import io.keycloakguard.core.config.LabelledChoice;
import io.keycloakguard.core.config.OptionReader;

import java.util.Map;

/**
 * The condition's config, parsed once.
 *
 * @param newIf             what makes a sign-in "new"
 * @param ipv4PrefixBits    IPv4 addresses in the same network of this size are the same network
 * @param ipv6PrefixBits    the same for IPv6
 * @param compareLastLogins how many of the user's most recent sign-ins count as known networks
 */
public record NewDeviceConditionConfig(NewIf newIf, int ipv4PrefixBits, int ipv6PrefixBits, int compareLastLogins) {

    /** What makes a sign-in new; stored as its label (the console's words), the short ids still read. */
    public enum NewIf implements LabelledChoice {
        DEVICE("New device"),
        NETWORK("New network"),
        DEVICE_OR_NETWORK("New device or new network"),
        DEVICE_AND_NETWORK("New device on a new network");

        private final String label;

        NewIf(String label) {
            this.label = label;
        }

        @Override
        public String label() {
            return label;
        }

        boolean matches(boolean newDevice, boolean newNetwork) {
            return switch (this) {
                case DEVICE -> newDevice;
                case NETWORK -> newNetwork;
                case DEVICE_OR_NETWORK -> newDevice || newNetwork;
                case DEVICE_AND_NETWORK -> newDevice && newNetwork;
            };
        }
    }

    static final String NEW_IF = "newIf";
    static final String IPV4_PREFIX = "ipv4PrefixBits";
    static final String IPV6_PREFIX = "ipv6PrefixBits";
    static final String COMPARE_LAST = "compareLastLogins";

    public static final NewDeviceConditionConfig DEFAULTS = new NewDeviceConditionConfig(NewIf.DEVICE_OR_NETWORK, 24, 64, 20);

    /** @throws io.keycloakguard.core.config.InvalidConfigurationException naming the field and value */
    public static NewDeviceConditionConfig parse(Map<String, String> raw) {
        OptionReader options = new OptionReader(raw::get, NewDeviceConditionConfig::label);
        return new NewDeviceConditionConfig(
                options.choice(NEW_IF, DEFAULTS.newIf(), NewIf.class),
                options.integer(IPV4_PREFIX, DEFAULTS.ipv4PrefixBits(), 8, 32),
                options.integer(IPV6_PREFIX, DEFAULTS.ipv6PrefixBits(), 16, 128),
                options.integer(COMPARE_LAST, DEFAULTS.compareLastLogins(), 1, 1000));
    }

    public boolean isNew(boolean newDevice, boolean newNetwork) {
        return newIf.matches(newDevice, newNetwork);
    }

    static String label(String key) {
        return switch (key) {
            case NEW_IF -> "New if";
            case IPV4_PREFIX -> "IPv4 network size";
            case IPV6_PREFIX -> "IPv6 network size";
            case COMPARE_LAST -> "Compare with last sign-ins";
            default -> key;
        };
    }
}
