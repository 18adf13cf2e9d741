package io.keycloakguard.authenticators.devices;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One successful sign-in of a user; the pack keeps the last N per user. */
@Entity
@Table(name = "GUARD_LOGIN_HISTORY")
@NamedQueries({
        @NamedQuery(name = "guardLoginHistoryOfUser",
                query = "select h from LoginHistoryEntity h where h.realmId = :realmId and h.userId = :userId order by h.loginTime desc, h.id desc"),
        @NamedQuery(name = "guardDeleteLoginHistoryOfUser",
                query = "delete from LoginHistoryEntity h where h.userId = :userId")
})
public class LoginHistoryEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;

    @Column(name = "USER_ID", length = 36, nullable = false)
    private String userId;

    /** Epoch milliseconds. */
    @Column(name = "LOGIN_TIME", nullable = false)
    private long loginTime;

    @Column(name = "IP", length = 64)
    private String ip;

    @Column(name = "NETWORK", length = 64)
    private String network;

    @Column(name = "DEVICE_ID", length = 36)
    private String deviceId;

    @Column(name = "BROWSER", length = 64)
    private String browser;

    @Column(name = "OS", length = 64)
    private String os;

    @Column(name = "CLIENT_ID", length = 255)
    private String clientId;

    @Column(name = "NEW_DEVICE", nullable = false)
    private boolean newDevice;

    @Column(name = "NEW_NETWORK", nullable = false)
    private boolean newNetwork;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getUserId() { return userId; }
    public void setUserId(String userId) { this.userId = userId; }
    public long getLoginTime() { return loginTime; }
    public void setLoginTime(long loginTime) { this.loginTime = loginTime; }
    public String getIp() { return ip; }
    public void setIp(String ip) { this.ip = ip; }
    public String getNetwork() { return network; }
    public void setNetwork(String network) { this.network = network; }
    public String getDeviceId() { return deviceId; }
    public void setDeviceId(String deviceId) { this.deviceId = deviceId; }
    public String getBrowser() { return browser; }
    public void setBrowser(String browser) { this.browser = browser; }
    public String getOs() { return os; }
    public void setOs(String os) { this.os = os; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public boolean isNewDevice() { return newDevice; }
    public void setNewDevice(boolean newDevice) { this.newDevice = newDevice; }
    public boolean isNewNetwork() { return newNetwork; }
    public void setNewNetwork(boolean newNetwork) { this.newNetwork = newNetwork; }
}
