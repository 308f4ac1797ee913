package io.embedstream.bench;

import com.sun.net.httpserver.HttpServer;
import io.embedstream.config.ImageConfig;
import io.embedstream.config.ResizeMode;
import io.embedstream.config.Scaling;
import io.embedstream.preprocess.image.DecodeResult;
import io.embedstream.preprocess.image.ImageDecoder;
import io.embedstream.preprocess.image.ImageFetcher;
import io.embedstream.preprocess.image.ImagePipeline;
import io.embedstream.preprocess.image.ImagePreprocessor;
import io.embedstream.preprocess.image.ImageRequest;
import io.embedstream.preprocess.image.ImageResult;
import io.embedstream.preprocess.image.ImageSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Throughput of fetch + decode + resize + scale for the 1,000 MNIST PNGs of {@code ../shared/data/mnist-sample},
 * served by a local HTTP server with a configurable per-request latency, through {@link ImagePipeline} in
 * micro-batches. Prints images/s (median, min and max over repeated runs, after one warm-up run), plus two
 * reference points: the same pipeline over file://, and decode + preprocess alone (inline bytes).
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.embedstream.bench.ImagePipelineBench \
 *      [--latency-ms 0,50] [--concurrency 16] [--batch 100,1000] [--runs 5] [--shared ../shared]
 * </pre>
 */
public final class ImagePipelineBench {
    private ImagePipelineBench() {}

    public static void main(String[] args) throws Exception {
        // The fetcher keeps HTTP connections alive. The JDK's HttpServer does not set TCP_NODELAY unless told to, and
        // then an answer written in two pieces (head, body) on a kept-alive connection waits for the client's delayed
        // ACK, about 40 ms on Linux, which would measure this test server. Production servers (nginx, Jetty, Netty)
        // set TCP_NODELAY. Read once, when the first HttpServer is made; -Dsun.net.httpserver.nodelay=false restores it.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        Map<String, String> opts = parse(args);
        int[] latencies = ints(opts.getOrDefault("latency-ms", "0,50"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "16"));
        int[] batches = ints(opts.getOrDefault("batch", "100,1000"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
        Path shared = Path.of(opts.getOrDefault("shared",
                System.getProperty("embedstream.shared.dir", "../shared")));
        Path dir = shared.resolve("data/mnist-sample/images").toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        if (files.size() != 1000) {
            throw new IllegalStateException("expected 1000 MNIST PNGs in " + dir + ", found " + files.size());
        }
        Map<String, byte[]> bodies = new HashMap<>();
        for (Path f : files) {
            bodies.put("/" + f.getFileName(), Files.readAllBytes(f));
        }

        System.out.printf(Locale.ROOT, "ImagePipelineBench: %d MNIST PNGs (28x28 gray -> [N,28,28,1], unit), "
                        + "max-concurrency=%d, %d timed runs after 1 warm-up, %d cores, Java %s%n",
                files.size(), concurrency, runs, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));

        ImageConfig config = ImageConfig.builder().roots(List.of(dir)).allowHosts(List.of("127.0.0.1"))
                .maxConcurrency(concurrency).resize(ResizeMode.STRETCH).scaling(Scaling.UNIT).build();
        ImageSpec spec = new ImageSpec(28, 28, 1);
        ImageDecoder decoder = new ImageDecoder(config.maxPixels());
        ImagePreprocessor preprocessor = ImagePreprocessor.of(config, spec);

        try (ImageFetcher fetcher = new ImageFetcher(config)) {
            ImagePipeline pipeline = new ImagePipeline(fetcher, decoder, preprocessor);
            for (int latency : latencies) {
                HttpServer server = serve(bodies, latency);
                try {
                    int port = server.getAddress().getPort();
                    List<ImageRequest> requests = new ArrayList<>();
                    for (Path f : files) {
                        requests.add(ImageRequest.of(f.getFileName().toString(),
                                "http://127.0.0.1:" + port + "/" + f.getFileName()));
                    }
                    for (int batch : batches) {
                        report(String.format(Locale.ROOT, "http, latency %3d ms, batch %4d", latency, batch),
                                measure(pipeline, requests, batch, runs), latency, batch, concurrency);
                    }
                } finally {
                    server.stop(0);
                    ((ExecutorService) server.getExecutor()).shutdownNow();
                }
            }
            List<ImageRequest> fileRequests = new ArrayList<>();
            for (Path f : files) {
                fileRequests.add(ImageRequest.of(f.getFileName().toString(), f.toUri().toString()));
            }
            report("file://,             batch  100", measure(pipeline, fileRequests, 100, runs), 0, 100, concurrency);
            List<ImageRequest> inline = new ArrayList<>();
            for (Path f : files) {
                inline.add(ImageRequest.inline(f.getFileName().toString(), f.toString(), bodies.get("/" + f.getFileName())));
            }
            report("inline bytes (decode+resize+scale only), batch 100", measure(pipeline, inline, 100, runs), 0, 100,
                    concurrency);
        }
        bombCheck(decoder);
    }

    /** Images per second of each timed run. */
    private static double[] measure(ImagePipeline pipeline, List<ImageRequest> requests, int batch, int runs) {
        double[] rates = new double[runs];
        for (int run = -1; run < runs; run++) {
            long start = System.nanoTime();
            int ok = 0;
            for (int from = 0; from < requests.size(); from += batch) {
                List<ImageResult> results = pipeline.process(requests.subList(from, Math.min(requests.size(), from + batch)));
                for (ImageResult r : results) {
                    if (!r.ok()) {
                        throw new IllegalStateException("benchmark image failed: " + r);
                    }
                    ok++;
                }
                pipeline.batchOf(results);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run >= 0) {
                rates[run] = ok / seconds;
            }
        }
        return rates;
    }

    private static void report(String what, double[] rates, int latency, int batch, int concurrency) {
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        String bound = "";
        if (latency > 0) {
            int waves = (batch + concurrency - 1) / concurrency;
            bound = String.format(Locale.ROOT, "  (latency bound: %.0f images/s)", batch / (waves * latency / 1000.0));
        }
        System.out.printf(Locale.ROOT, "%-52s median %8.0f images/s  [min %.0f, max %.0f]%s%n", what,
                sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], bound);
    }

    /** How long the pixel guard takes to refuse a real 50-megapixel PNG (header read only). */
    private static void bombCheck(ImageDecoder decoder) throws IOException {
        byte[] png = blackPng(10_000, 5_000);
        long[] nanos = new long[21];
        String outcome = "";
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            DecodeResult r = decoder.decode(png, "bomb.png");
            nanos[i] = System.nanoTime() - start;
            outcome = r instanceof DecodeResult.Failed f ? f.failure().reason().name() : "decoded";
        }
        long first = nanos[0];
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "50-megapixel PNG (%d bytes): %s in %.3f ms median of %d (first call %.3f ms)%n",
                png.length, outcome, nanos[nanos.length / 2] / 1e6, nanos.length, first / 1e6);
    }

    private static HttpServer serve(Map<String, byte[]> bodies, int latencyMs) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1024);
        server.setExecutor(Executors.newFixedThreadPool(128));
        server.createContext("/", ex -> {
            try {
                if (latencyMs > 0) {
                    Thread.sleep(latencyMs);
                }
                byte[] body = bodies.get(ex.getRequestURI().getPath());
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    ex.getResponseHeaders().add("Content-Type", "image/png");
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(body);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        server.start();
        return server;
    }

    private static byte[] blackPng(int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION))) {
            byte[] row = new byte[width + 1];
            for (int y = 0; y < height; y++) {
                z.write(row);
            }
        }
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 0, 0, 0, 0});
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(png, "IHDR", ihdr.toByteArray());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: [--latency-ms 0,50] [--concurrency 16] [--batch 100,1000] "
                        + "[--runs 5] [--shared DIR]; got " + args[i]);
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
