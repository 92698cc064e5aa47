package org.geminipool.gateway;

import io.quarkus.runtime.configuration.MemorySize;
import org.geminipool.gateway.config.GatewayConfig;

import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** A {@link GatewayConfig} for plain unit tests: the given values, the @WithDefault-like ones otherwise. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static GatewayConfig gateway(Map<String, Object> values) {
        GatewayConfig.Usage usage = (GatewayConfig.Usage) Proxy.newProxyInstance(TestConfigs.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.Usage.class}, (p, m, a) -> switch (m.getName()) {
                    case "batchSize" -> values.getOrDefault("usage.batch-size", 500);
                    case "shipInterval" -> Duration.ofSeconds(1);
                    case "queueCapacity" -> values.getOrDefault("usage.queue-capacity", 50_000);
                    case "spillDir" -> Optional.ofNullable((String) values.get("usage.spill-dir"));
                    case "shutdownFlushTimeout" -> Duration.ofSeconds(2);
                    case "spillMaxSize" -> new MemorySize(BigInteger.valueOf(
                            ((Number) values.getOrDefault("usage.spill-max-size", 1L << 30)).longValue()));
                    case "rejectedMaxFiles" -> values.getOrDefault("usage.rejected-max-files", 1000);
                    case "rejectedMaxSize" -> new MemorySize(BigInteger.valueOf(
                            ((Number) values.getOrDefault("usage.rejected-max-size", 16L << 20)).longValue()));
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (GatewayConfig) Proxy.newProxyInstance(TestConfigs.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "routes" -> Optional.ofNullable((String) values.get("routes"));
                    case "usage" -> usage;
                    case "internalToken" -> Optional.of("t");
                    case "maxBodySize" -> new MemorySize(BigInteger.valueOf(1 << 20));
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
