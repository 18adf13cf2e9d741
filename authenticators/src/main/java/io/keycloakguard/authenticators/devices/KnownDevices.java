package io.keycloakguard.authenticators.devices;

import jakarta.persistence.EntityManager;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads and writes a user's known devices and login history in the login's own transaction.
 *
 * <p>One instance per request ({@link KeycloakSession}): a login asks the same questions up to three times (the
 * new-device condition, "remember device", and the recording when Keycloak reports the sign-in completed), so
 * the user's devices and newest history rows are read once and kept until this request writes them. The readers
 * take the user's lock ({@code UserLocks}) before their first read, so what is kept is what any other node may
 * change only after this request's transaction ends.
 */
public final class KnownDevices {

    private static final String ATTRIBUTE = KnownDevices.class.getName();
    /** The order of the query {@code guardLoginHistoryOfUser}. */
    private static final Comparator<LoginHistoryEntity> NEWEST_FIRST = Comparator
            .comparingLong(LoginHistoryEntity::getLoginTime).thenComparing(LoginHistoryEntity::getId).reversed();

    private final EntityManager em;
    /** By realm id and user id: what this request has read of that user. */
    private final Map<String, Read> reads = new HashMap<>();

    private KnownDevices(EntityManager em) {
        this.em = em;
    }

    /** This request's instance. */
    public static KnownDevices of(KeycloakSession session) {
        KnownDevices devices = session.getAttribute(ATTRIBUTE, KnownDevices.class);
        if (devices == null) {
            devices = new KnownDevices(session.getProvider(JpaConnectionProvider.class).getEntityManager());
            session.setAttribute(ATTRIBUTE, devices);
        }
        return devices;
    }

    public static void forgetUser(KeycloakSession session, String userId) {
        KnownDevices devices = of(session);
        devices.em.createNamedQuery("guardDeleteDevicesOfUser").setParameter("userId", userId).executeUpdate();
        devices.em.createNamedQuery("guardDeleteLoginHistoryOfUser").setParameter("userId", userId).executeUpdate();
        devices.reads.clear();
    }

    public List<KnownDeviceEntity> devicesOf(RealmModel realm, String userId) {
        Read read = read(realm, userId);
        if (read.devices == null) {
            read.devices = List.copyOf(em.createNamedQuery("guardDevicesOfUser", KnownDeviceEntity.class)
                    .setParameter("realmId", realm.getId()).setParameter("userId", userId).getResultList());
        }
        return read.devices;
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
        Read read = read(realm, userId);
        // An earlier read answers when it got at least as many rows, or every row of the user.
        if (read.history == null || (!read.historyComplete && read.history.size() < max)) {
            // One more than asked: then the read tells whether it holds every row, which the recording's trim uses.
            read.history = List.copyOf(em.createNamedQuery("guardLoginHistoryOfUser", LoginHistoryEntity.class)
                    .setParameter("realmId", realm.getId()).setParameter("userId", userId)
                    .setMaxResults(max + 1).getResultList());
            read.historyComplete = read.history.size() <= max;
        }
        return read.history.size() <= max ? read.history : read.history.subList(0, max);
    }

    private Read read(RealmModel realm, String userId) {
        return reads.computeIfAbsent(realm.getId() + "/" + userId, k -> new Read());
    }

    private void written(RealmModel realm, String userId) {
        reads.remove(realm.getId() + "/" + userId);
    }

    /** What this request read of one user. */
    private static final class Read {
        private List<KnownDeviceEntity> devices;
        private List<LoginHistoryEntity> history;
        private boolean historyComplete;
    }

    /** Forgets one device of the user (by the row id the endpoints show); false when the user has no such device. */
    public boolean forget(RealmModel realm, String userId, String id) {
        KnownDeviceEntity device = em.find(KnownDeviceEntity.class, id);
        if (device == null || !device.getUserId().equals(userId) || !device.getRealmId().equals(realm.getId())) {
            return false;
        }
        em.remove(device);
        written(realm, userId);
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
        written(realm, userId);
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
            Optional<KnownDeviceEntity> existing = knownDevice(realm, userId, facts.deviceId());
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
        Read read = read(realm, userId);
        List<LoginHistoryEntity> before = read.historyComplete ? read.history : null;
        em.persist(row);
        em.flush();
        if (before != null && before.stream().allMatch(em::contains)) {
            // This request read every row of the user (under the user's lock): trim them here, in the order of the
            // query below, instead of asking again.
            List<LoginHistoryEntity> all = new ArrayList<>(before);
            all.add(row);
            all.sort(NEWEST_FIRST);
            all.subList(0, Math.min(keep, all.size())).clear();
            all.forEach(em::remove);
        } else {
            List<LoginHistoryEntity> all = em.createNamedQuery("guardLoginHistoryOfUser", LoginHistoryEntity.class)
                    .setParameter("realmId", realm.getId()).setParameter("userId", userId)
                    .setFirstResult(keep).getResultList();
            all.forEach(em::remove);
        }
        written(realm, userId);
        return new RecordedLogin(firstDeviceEver);
    }

    /**
     * The user's device with this id, from the devices this request read when they are still managed (a recording
     * reads them under the user's lock first), else by a query.
     */
    private Optional<KnownDeviceEntity> knownDevice(RealmModel realm, String userId, String deviceId) {
        List<KnownDeviceEntity> read = read(realm, userId).devices;
        if (read != null && read.stream().allMatch(em::contains)) {
            return read.stream().filter(d -> deviceId.equals(d.getDeviceId())).findFirst();
        }
        return device(realm, userId, deviceId);
    }

    /** What recording found out beyond what the caller knew. */
    public record RecordedLogin(boolean firstDeviceEver) {
    }
}
