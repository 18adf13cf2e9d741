package io.keycloakguard.authenticators.devices;

import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes a user's known devices and login history in the login's own transaction. */
public final class KnownDevices {

    private final EntityManager em;

    private KnownDevices(EntityManager em) {
        this.em = em;
    }

    public static KnownDevices of(KeycloakSession session) {
        return new KnownDevices(session.getProvider(JpaConnectionProvider.class).getEntityManager());
    }

    public static void forgetUser(KeycloakSession session, String userId) {
        KnownDevices devices = of(session);
        devices.em.createNamedQuery("guardDeleteDevicesOfUser").setParameter("userId", userId).executeUpdate();
        devices.em.createNamedQuery("guardDeleteLoginHistoryOfUser").setParameter("userId", userId).executeUpdate();
    }

    public List<KnownDeviceEntity> devicesOf(RealmModel realm, String userId) {
        return em.createNamedQuery("guardDevicesOfUser", KnownDeviceEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("userId", userId).getResultList();
    }

    public Optional<KnownDeviceEntity> device(RealmModel realm, String userId, String deviceId) {
        if (deviceId == null) {
            return Optional.empty();
        }
        return em.createNamedQuery("guardDeviceOfUser", KnownDeviceEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("userId", userId)
                .setParameter("deviceId", deviceId).getResultStream().findFirst();
    }

    /** The user's most recent sign-ins, newest first. */
    public List<LoginHistoryEntity> historyOf(RealmModel realm, String userId, int max) {
        return em.createNamedQuery("guardLoginHistoryOfUser", LoginHistoryEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("userId", userId)
                .setMaxResults(max).getResultList();
    }

    /** Forgets one device of the user (by the row id the endpoints show); false when the user has no such device. */
    public boolean forget(RealmModel realm, String userId, String id) {
        KnownDeviceEntity device = em.find(KnownDeviceEntity.class, id);
        if (device == null || !device.getUserId().equals(userId) || !device.getRealmId().equals(realm.getId())) {
            return false;
        }
        em.remove(device);
        return true;
    }

    /**
     * Forgets what one sign-in brought, as "this wasn't me" asks: the device by the id its cookie carries, and,
     * when given, every sign-in from that network (as the history stores it), so that neither counts as known.
     * Returns how many devices and history rows went.
     */
    public Forgotten forgetReported(RealmModel realm, String userId, String deviceId, String network) {
        int devices = deviceId == null ? 0 : em.createQuery("delete from KnownDeviceEntity d where d.realmId = :realmId "
                        + "and d.userId = :userId and d.deviceId = :deviceId")
                .setParameter("realmId", realm.getId()).setParameter("userId", userId).setParameter("deviceId", deviceId)
                .executeUpdate();
        int logins = network == null ? 0 : em.createQuery("delete from LoginHistoryEntity h where h.realmId = :realmId "
                        + "and h.userId = :userId and h.network = :network")
                .setParameter("realmId", realm.getId()).setParameter("userId", userId).setParameter("network", network)
                .executeUpdate();
        return new Forgotten(devices, logins);
    }

    /** What {@link #forgetReported} removed. */
    public record Forgotten(int devices, int logins) {
    }

    /**
     * Records a successful sign-in: the device row (created or refreshed) when the browser has a device id,
     * a history row, and the history trimmed to the newest {@code keep}.
     */
    public RecordedLogin record(RealmModel realm, String userId, LoginFacts facts, boolean newDevice, boolean newNetwork,
                                int keep) {
        long now = facts.timeMillis();
        boolean firstDeviceEver = false;
        if (facts.deviceId() != null) {
            Optional<KnownDeviceEntity> existing = device(realm, userId, facts.deviceId());
            KnownDeviceEntity device = existing.orElseGet(KnownDeviceEntity::new);
            if (existing.isEmpty()) {
                firstDeviceEver = devicesOf(realm, userId).isEmpty();
                device.setId(UUID.randomUUID().toString());
                device.setRealmId(realm.getId());
                device.setUserId(userId);
                device.setDeviceId(facts.deviceId());
                device.setFirstSeen(now);
            }
            device.setBrowser(facts.browser());
            device.setOs(facts.os());
            device.setLastSeen(now);
            device.setLastIp(facts.ip());
            device.setLastNetwork(facts.network());
            if (existing.isEmpty()) {
                em.persist(device);
            }
        }
        LoginHistoryEntity row = new LoginHistoryEntity();
        row.setId(UUID.randomUUID().toString());
        row.setRealmId(realm.getId());
        row.setUserId(userId);
        row.setLoginTime(now);
        row.setIp(facts.ip());
        row.setNetwork(facts.network());
        row.setDeviceId(facts.deviceId());
        row.setBrowser(facts.browser());
        row.setOs(facts.os());
        row.setClientId(facts.clientId());
        row.setNewDevice(newDevice);
        row.setNewNetwork(newNetwork);
        em.persist(row);
        em.flush();
        List<LoginHistoryEntity> all = em.createNamedQuery("guardLoginHistoryOfUser", LoginHistoryEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("userId", userId)
                .setFirstResult(keep).getResultList();
        all.forEach(em::remove);
        return new RecordedLogin(firstDeviceEver);
    }

    /** What recording found out beyond what the caller knew. */
    public record RecordedLogin(boolean firstDeviceEver) {
    }
}
