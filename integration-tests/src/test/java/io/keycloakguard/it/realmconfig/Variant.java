package io.keycloakguard.it.realmconfig;

/**
 * A shipped realm variant and what the tests expect of it (with no {@code GUARD_*} variables set but the
 * harness's {@link io.keycloakguard.it.harness.RealmEnvironment}).
 *
 * @param otpAlways      every sign-in asks for a second factor (so the password may be 8 characters)
 * @param sessionLimit   the default of {@code GUARD_SESSION_LIMIT}
 * @param bindingMode    the network-binding executor's mode
 * @param sslRequired    the realm's sslRequired as imported
 * @param hasCli         ships the password-grant client {@code app-cli}
 */
enum Variant {
    DEV("guard-app-dev-realm.json", "guard-app-dev", 15, false, 5, "log", "external", true),
    STAGING("guard-app-staging-realm.json", "guard-app-staging", 15, false, 3, "reject", "all", false),
    PROD("guard-app-prod-realm.json", "guard-app-prod", 8, true, 3, "reject", "all", false);

    final String file;
    final String realm;
    final int minPasswordLength;
    final boolean otpAlways;
    final int sessionLimit;
    final String bindingMode;
    final String sslRequired;
    final boolean hasCli;

    Variant(String file, String realm, int minPasswordLength, boolean otpAlways, int sessionLimit, String bindingMode,
            String sslRequired, boolean hasCli) {
        this.file = file;
        this.realm = realm;
        this.minPasswordLength = minPasswordLength;
        this.otpAlways = otpAlways;
        this.sessionLimit = sessionLimit;
        this.bindingMode = bindingMode;
        this.sslRequired = sslRequired;
        this.hasCli = hasCli;
    }
}
