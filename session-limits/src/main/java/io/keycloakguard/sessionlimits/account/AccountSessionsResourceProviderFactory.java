package io.keycloakguard.sessionlimits.account;

import io.keycloakguard.core.rest.GuardRealmResourceFactory;

/** Registers {@code /realms/{realm}/guard-account}. */
public class AccountSessionsResourceProviderFactory extends GuardRealmResourceFactory {

    public static final String ID = "guard-account";

    public AccountSessionsResourceProviderFactory() {
        super(ID, AccountSessionsResource::new);
    }
}
