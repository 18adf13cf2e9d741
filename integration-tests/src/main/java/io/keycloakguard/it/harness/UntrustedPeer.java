package io.keycloakguard.it.harness;

import org.apache.http.NameValuePair;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.entity.UrlEncodedFormEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpRequestBase;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.message.BasicNameValuePair;
import org.apache.http.util.EntityUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sends HTTP requests to the harness Keycloak from source address 127.0.0.2, a peer Keycloak does not trust
 * (it trusts forwarding headers from 127.0.0.1 only): whatever X-Forwarded-For it sends, Keycloak must see
 * 127.0.0.2. Java's HttpClient cannot choose its local address; Apache HttpClient (already on the test
 * classpath through rest-assured) can.
 */
public final class UntrustedPeer implements AutoCloseable {

    public static final String ADDRESS = "127.0.0.2";

    /** A response: status and body (JSON or HTML as Keycloak sent it). */
    public record Reply(int status, String body) {
    }

    private final String baseUrl;
    private final CloseableHttpClient http;

    private UntrustedPeer(String baseUrl) {
        this.baseUrl = baseUrl;
        try {
            this.http = HttpClients.custom()
                    .setDefaultRequestConfig(RequestConfig.custom()
                            .setLocalAddress(InetAddress.getByName(ADDRESS))
                            .setConnectTimeout(5000).setSocketTimeout(30000)
                            .setRedirectsEnabled(false).build())
                    .disableCookieManagement()
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A peer talking to {@code baseUrl} (e.g. {@code env.baseUrl()}). */
    public static UntrustedPeer to(String baseUrl) {
        return new UntrustedPeer(baseUrl);
    }

    /** Whether this machine can send from 127.0.0.2 (Linux routes all of 127/8 to loopback; macOS does not). */
    public static boolean available() {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(ADDRESS, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A GET of a path of the server (or an absolute URL), with extra headers. */
    public Reply get(String pathOrUrl, Map<String, String> headers) {
        return send(new HttpGet(url(pathOrUrl)), headers);
    }

    /** A form POST, as a browser or an OAuth client sends it. */
    public Reply postForm(String pathOrUrl, Map<String, String> form, Map<String, String> headers) {
        HttpPost post = new HttpPost(url(pathOrUrl));
        List<NameValuePair> pairs = new ArrayList<>();
        form.forEach((k, v) -> pairs.add(new BasicNameValuePair(k, v)));
        post.setEntity(new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8));
        return send(post, headers);
    }

    private Reply send(HttpRequestBase request, Map<String, String> headers) {
        headers.forEach(request::setHeader);
        try (CloseableHttpResponse response = http.execute(request)) {
            String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
            return new Reply(response.getStatusLine().getStatusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String url(String pathOrUrl) {
        return pathOrUrl.startsWith("http") ? pathOrUrl : baseUrl + pathOrUrl;
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
