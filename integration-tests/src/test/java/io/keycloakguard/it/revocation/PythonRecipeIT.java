package io.keycloakguard.it.revocation;

import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.revocation.contract.Revocation;
import io.keycloakguard.revocation.contract.RevocationKind;
import io.keycloakguard.core.revocation.RevocationPublisher;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python recipe of docs/revocation-contract.md, exactly as printed there, run with redis-py (Debian's
 * python3-redis; .ci/run installs it) against revocations the Java publisher wrote: the snapshot, then one
 * revocation followed on the stream.
 */
@ExtendWith(KeycloakGuardExtension.class)
class PythonRecipeIT {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @Test
    void theDocumentedRecipeReadsTheContract(GuardEnvironment env) throws Exception {
        assumeTrue(Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c", "import redis")
                .start().waitFor() == 0, "needs python3 with redis-py (Debian python3-redis)");
        String doc = Files.readString(Path.of("../docs/revocation-contract.md"));
        Matcher block = Pattern.compile("## Python recipe \\(redis-py\\)\\s+```python\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(block.find(), "no Python recipe in the contract doc");
        String prefix = "pyrecipe-" + UUID.randomUUID().toString().substring(0, 6) + ":";
        String recipe = block.group(1)
                .replace("redis://localhost:6379", env.redis().url())
                .replace("\"kcguard:rev:v1:", "\"" + prefix + "rev:v1:");
        String driver = recipe + """
                import sys, threading
                threading.Thread(target=follow, daemon=True).start()
                print("READY", flush=True)
                sys.stdin.readline()
                deadline = time.time() + 10
                while time.time() < deadline and not is_revoked({"sub": "u1", "iat": 100}):
                    time.sleep(0.05)
                print(json.dumps({
                    "snapshot_session": is_revoked({"sid": "s1", "sub": "x", "iat": 1}),
                    "stream_user": is_revoked({"sub": "u1", "iat": 100}),
                    "user_token_issued_later": is_revoked({"sub": "u1", "iat": 10**12}),
                    "untouched": is_revoked({"sid": "s2", "sub": "y", "iat": 1})}), flush=True)
                """;
        long now = System.currentTimeMillis() / 1000;
        RevocationPublisher publisher = new RevocationPublisher(prefix, RevocationPublisher.DEFAULT_STREAM_MAX_LENGTH);
        try (RedisClient redis = RedisClient.create(env.redis().url())) {
            publisher.publish(redis, Revocation.of("guard-demo", RevocationKind.SESSION, "s1", null, now, now + 600,
                    "test"), now);
            Process python = new ProcessBuilder(PYTHON.toString(), "-c", driver).redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8));
                 Writer in = new OutputStreamWriter(python.getOutputStream(), StandardCharsets.UTF_8)) {
                assertEquals("READY", out.readLine(), "the recipe loaded the snapshot");
                publisher.publish(redis, Revocation.of("guard-demo", RevocationKind.USER, "u1", null, now, now + 600,
                        "test"), now);
                in.write("go\n");
                in.flush();
                String result = out.readLine();
                assertTrue(python.waitFor(20, TimeUnit.SECONDS), "python did not finish");
                JsonPath answers = new JsonPath(result);
                assertTrue(answers.getBoolean("snapshot_session"), result);
                assertTrue(answers.getBoolean("stream_user"), result);
                assertEquals(false, answers.getBoolean("user_token_issued_later"), result);
                assertEquals(false, answers.getBoolean("untouched"), result);
            } finally {
                python.destroyForcibly();
            }
        }
    }
}
