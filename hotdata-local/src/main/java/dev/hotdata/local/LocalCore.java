package dev.hotdata.local;

import dev.hotdata.local.api.ServerReadings;
import dev.hotdata.local.api.ServerSettings;
import dev.hotdata.local.catalog.Catalog;
import dev.hotdata.local.catalog.InformationSchema;
import dev.hotdata.local.engine.Engine;
import dev.hotdata.local.fault.FaultInjector;
import dev.hotdata.local.fault.RequestLog;
import dev.hotdata.local.http.HttpApi;
import dev.hotdata.local.jobs.JobService;
import dev.hotdata.local.load.LoadService;
import dev.hotdata.local.load.WriteLocks;
import dev.hotdata.local.query.QueryService;
import dev.hotdata.local.store.DataLayout;
import dev.hotdata.local.store.StateStore;
import dev.hotdata.local.upload.UploadService;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One running incarnation of the server: state loaded from the data directory, services, HTTP
 * listener and thread pools. {@link HotdataLocalServer#restart()} replaces it by a fresh one.
 */
final class LocalCore {

    static {
        // The JDK HTTP server leaves Nagle's algorithm on: a response written as headers then
        // body waits for the client's delayed ACK, ~40 ms per request on loopback. A real API
        // front end does not add that; read once when the JDK's server configuration loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService httpPool;
    private final ExecutorService jobPool;
    private final ExecutorService queryPool;
    private final ScheduledExecutorService scheduler;
    private final WriteLocks locks = new WriteLocks();
    private final Engine engine;
    private final LoadService loads;

    LocalCore(
            String host,
            int port,
            Path dataDir,
            ServerSettings settings,
            ServerReadings readings,
            FaultInjector faults,
            RequestLog log)
            throws IOException {
        StateStore store = new StateStore(dataDir);
        DataLayout layout = new DataLayout(dataDir);
        store.read(
                st -> {
                    layout.sweep(st);
                    return null;
                });
        scheduler = Executors.newSingleThreadScheduledExecutor(daemon("hotdata-local-scheduler"));
        // Request and job threads spend most of their time waiting under a latency profile
        // (a load ~1.3 s, any request >= 150 ms): threads are made on demand up to a high bound
        // and retire when idle, so waiting requests never queue behind each other.
        jobPool = elasticPool(64, daemon("hotdata-local-job"));
        queryPool = Executors.newFixedThreadPool(4, daemon("hotdata-local-query"));
        httpPool = elasticPool(256, daemon("hotdata-local-http"));
        engine = new Engine(layout, 2);
        Catalog catalog = new Catalog(store, layout, scheduler);
        UploadService uploads = new UploadService(store, layout, settings);
        JobService jobs = new JobService(store, jobPool);
        loads =
                new LoadService(
                        store, engine, uploads, jobs, locks, settings, scheduler, readings, faults);
        QueryService queries = new QueryService(store, engine, settings, queryPool, scheduler);
        HttpApi api =
                new HttpApi(
                        settings,
                        readings,
                        faults,
                        log,
                        catalog,
                        new InformationSchema(store, readings),
                        uploads,
                        loads,
                        queries,
                        jobs);
        http = HttpServer.create(new InetSocketAddress(host, port), 128);
        http.createContext("/", api);
        http.setExecutor(httpPool);
    }

    void start() {
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    WriteLocks locks() {
        return locks;
    }

    /**
     * Stops listening and the pools; running work is interrupted (like a crash, minus the disk).
     */
    void stop() {
        loads.stop();
        http.stop(0);
        for (ExecutorService pool :
                new ExecutorService[] {httpPool, jobPool, queryPool, scheduler}) {
            pool.shutdownNow();
        }
        for (ExecutorService pool :
                new ExecutorService[] {httpPool, jobPool, queryPool, scheduler}) {
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        engine.close();
    }

    /** Up to {@code max} threads, made when needed, ended after 30 s idle; then a queue. */
    private static ExecutorService elasticPool(int max, ThreadFactory threads) {
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(
                        max, max, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
