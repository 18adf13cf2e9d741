package io.keycloakguard.authenticators.devices;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** A browser a user signed in from, recognised by the pack's signed device cookie. */
@Entity
@Table(name = "GUARD_DEVICE")
@NamedQueries({
        @NamedQuery(name = "guardDevicesOfUser",
                query = "select d from KnownDeviceEntity d where d.realmId = :realmId and d.userId = :userId order by d.lastSeen desc"),
        @NamedQuery(name = "guardDeviceOfUser",
                query = "select d from KnownDeviceEntity d where d.realmId = :realmId and d.userId = :userId and d.deviceId = :deviceId"),
        @NamedQuery(name = "guardDeleteDevicesOfUser",
                query = "delete from KnownDeviceEntity d where d.userId = :userId")
})
public class KnownDeviceEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    /** The id inside the device cookie; one browser shared by two users gives each of them a row. */
    @Column(name = "DEVICE_ID", length = 36, nullable = false)
    private String deviceId;

    @Column(name = "BROWSER", length = 64)
    private String browser;

    @Column(name = "OS", length = 64)
    private String os;

    @Column(name = "FIRST_SEEN", nullable = false)
    private long firstSeen;

    @Column(name = "LAST_SEEN", nullable = false)
    private long lastSeen;

    @Column(name = "LAST_IP", length = 64)
    private String lastIp;

    @Column(name = "LAST_NETWORK", length = 64)
    private String lastNetwork;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public String getDeviceId() { return deviceId; }
    public void setDeviceId(String deviceId) { this.deviceId = deviceId; }
    public String getBrowser() { return browser; }
    public void setBrowser(String browser) { this.browser = browser; }
    public String getOs() { return os; }
    public void setOs(String os) { this.os = os; }
    public long getFirstSeen() { return firstSeen; }
    public void setFirstSeen(long firstSeen) { this.firstSeen = firstSeen; }
    public long getLastSeen() { return lastSeen; }
    public void setLastSeen(long lastSeen) { this.lastSeen = lastSeen; }
    public String getLastIp() { return lastIp; }
    public void setLastIp(String lastIp) { this.lastIp = lastIp; }
    public String getLastNetwork() { return lastNetwork; }
    public void setLastNetwork(String lastNetwork) { this.lastNetwork = lastNetwork; }
}
