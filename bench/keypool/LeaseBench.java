import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load driver for POST /leases: {@code java LeaseBench.java <seconds> <concurrency> <token> <model> <url>...}.
 * Each worker sends one lease at a time to the replicas in turn; after a 3 s warm-up it records every latency.
 * Prints leases/s (200 answers), refusals, errors, p50/p99/max latency.
 */
public class LeaseBench {
    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int concurrency = Integer.parseInt(args[1]);
        String token = args[2];
        String model = args[3];
        List<String> urls = Arrays.asList(args).subList(4, args.length);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        long warmupEnd = System.nanoTime() + 3_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> samples = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            long[] lat = new long[2_000_000];
            samples.add(lat);
            int worker = w;
            Thread t = new Thread(() -> {
                int n = 0;
                int i = worker;
                String body = "{\"pool\":\"bench\",\"model\":\"" + model + "\",\"requestId\":\"w" + worker + "\"}";
                while (true) {
                    long start = System.nanoTime();
                    if (start >= end) {
                        break;
                    }
                    String url = urls.get(i++ % urls.size());
                    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/leases"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    int status;
                    try {
                        status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    long took = System.nanoTime() - start;
                    if (start < warmupEnd) {
                        continue;
                    }
                    if (status == 200) {
                        ok.incrementAndGet();
                    } else if (status == 429) {
                        refused.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                    if (n < lat.length) {
                        lat[n++] = took;
                    }
                }
                lat[lat.length - 1] = n; // count stored in the last slot
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        int total = 0;
        for (long[] lat : samples) {
            total += (int) lat[lat.length - 1];
        }
        long[] all = new long[total];
        int k = 0;
        for (long[] lat : samples) {
            int n = (int) lat[lat.length - 1];
            System.arraycopy(lat, 0, all, k, n);
            k += n;
        }
        Arrays.sort(all);
        double p50 = total == 0 ? 0 : all[(int) (total * 0.50)] / 1e6;
        double p99 = total == 0 ? 0 : all[Math.min(total - 1, (int) (total * 0.99))] / 1e6;
        double max = total == 0 ? 0 : all[total - 1] / 1e6;
        System.out.printf("replicas=%d concurrency=%d seconds=%d leases/s=%.0f refused=%d errors=%d p50=%.2fms p99=%.2fms max=%.1fms%n",
                urls.size(), concurrency, seconds, ok.get() / (double) seconds, refused.get(), errors.get(), p50, p99, max);
    }
}
