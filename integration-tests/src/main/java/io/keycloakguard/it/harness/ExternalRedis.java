package io.keycloakguard.it.harness;

/** A Redis the suite did not start ({@code REDIS_URL}): used, never stopped or flushed. */
final class ExternalRedis implements TestRedis {

    private final String url;

    ExternalRedis(String url) {
        this.url = url;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public boolean isPrivate() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("The harness does not stop a Redis it did not start (" + url + ")");
    }

    @Override
    public void start() {
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "external Redis " + url;
    }
}
