package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** k8s/: rendered like kustomize, every object parsed with fabric8's model, then the deployment rules checked. */
class KubernetesManifestsTest {

    static final String NAMESPACE = "gemini-pool";
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final Pattern GOOGLE_KEY = Pattern.compile("AIza[0-9A-Za-z_\\-]{35}");

    static List<Map<String, Object>> rendered;
    static List<HasMetadata> objects;

    @BeforeAll
    static void render() {
        rendered = Repo.renderKustomization(Repo.path("k8s"));
        objects = new ArrayList<>();
        for (Map<String, Object> doc : rendered) {
            objects.add(parse(doc, "k8s " + doc.get("kind") + "/" + name(doc)));
        }
    }

    @SuppressWarnings("unchecked")
    static String name(Map<String, Object> doc) {
        return String.valueOf(((Map<String, Object>) doc.get("metadata")).get("name"));
    }

    /** Parses with fabric8's typed model; unknown fields (typos, wrong nesting) and untyped kinds fail. */
    static HasMetadata parse(Map<String, Object> doc, String where) {
        String json = SERIALIZATION.asJson(doc);
        Object o = SERIALIZATION.unmarshal(json);
        assertTrue(o instanceof HasMetadata, where + ": not a Kubernetes object");
        assertFalse(o instanceof GenericKubernetesResource,
                where + ": kind/apiVersion " + doc.get("apiVersion") + " " + doc.get("kind") + " is not a known type");
        List<String> unknown = new ArrayList<>();
        unknownFields(o, where, unknown, 0);
        assertTrue(unknown.isEmpty(), "fields the Kubernetes schema does not have: " + unknown);
        return (HasMetadata) o;
    }

    private static void unknownFields(Object o, String path, List<String> out, int depth) {
        if (o == null || depth > 40) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out, depth + 1);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out, depth + 1));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = m.invoke(o);
                if (m.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        out.add(path + ": " + extra.keySet());
                    }
                } else if (!(o instanceof IntOrString) && !(o instanceof Quantity)) {
                    String prop = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                    unknownFields(value, path + "." + prop, out, depth + 1);
                }
            } catch (ReflectiveOperationException e) {
                // not a property getter
            }
        }
    }

    static <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    static <T extends HasMetadata> T one(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in k8s/"));
    }

    static PodSpec podSpec(HasMetadata workload) {
        return template(workload).getSpec();
    }

    static PodTemplateSpec template(HasMetadata workload) {
        if (workload instanceof Deployment d) {
            return d.getSpec().getTemplate();
        }
        if (workload instanceof StatefulSet s) {
            return s.getSpec().getTemplate();
        }
        throw new IllegalArgumentException(workload.getKind());
    }

    /**
     * The workload of one of our services: a Deployment, or a StatefulSet for the gateway (its usage spill folder is a
     * per-pod volume claim that must outlive the pod).
     */
    static HasMetadata workload(String name) {
        return workloads().stream().filter(w -> name.equals(w.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment or StatefulSet " + name + " in k8s/"));
    }

    static LabelSelector selector(HasMetadata workload) {
        return workload instanceof StatefulSet s ? s.getSpec().getSelector() : ((Deployment) workload).getSpec().getSelector();
    }

    static Integer replicas(HasMetadata workload) {
        return workload instanceof StatefulSet s ? s.getSpec().getReplicas() : ((Deployment) workload).getSpec().getReplicas();
    }

    static List<HasMetadata> workloads() {
        List<HasMetadata> w = new ArrayList<>(all(Deployment.class));
        w.addAll(all(StatefulSet.class));
        return w;
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        assertTrue(selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty(),
                "matchExpressions are not evaluated by deploy-check; use matchLabels");
        return selects(selector.getMatchLabels(), labels);
    }

    static Map<String, String> podLabels(String deployment) {
        return template(workload(deployment)).getMetadata().getLabels();
    }

    // ------------------------------------------------------------------ rendering and schema

    @Test
    void everyObjectParsesAndIsNamespacedAndLabelled() {
        assertFalse(objects.isEmpty());
        Set<String> seen = new HashSet<>();
        for (HasMetadata o : objects) {
            String id = o.getKind() + "/" + o.getMetadata().getName();
            assertTrue(seen.add(id), "duplicate object " + id);
            if (!(o instanceof io.fabric8.kubernetes.api.model.Namespace)) {
                assertEquals(NAMESPACE, o.getMetadata().getNamespace(), id);
            }
            assertEquals("gemini-pool", o.getMetadata().getLabels().get("app.kubernetes.io/part-of"), id);
        }
        one(io.fabric8.kubernetes.api.model.Namespace.class, NAMESPACE);
        Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
        for (String kind : List.of("Namespace", "ConfigMap", "Deployment", "Service", "StatefulSet", "NetworkPolicy",
                "HorizontalPodAutoscaler", "PodDisruptionBudget")) {
            assertTrue(kinds.contains(kind), "k8s/ has no " + kind);
        }
        for (String svc : Repo.SERVICES) {
            workload(svc);
            one(Service.class, svc);
        }
    }

    @Test
    void everyYamlFileIsAResourceOrAnExample() throws Exception {
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) Repo.yamlMap("k8s/kustomization.yaml").get("resources");
        try (Stream<Path> files = Files.list(Repo.path("k8s"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .collect(Collectors.toList())) {
                String n = f.getFileName().toString();
                if (n.equals("kustomization.yaml")) {
                    continue;
                }
                assertTrue(resources.contains(n) || n.endsWith(".example.yaml"),
                        "k8s/" + n + " is neither listed in kustomization.yaml nor named *.example.yaml");
                // examples are validated too (the ServiceMonitor is a CRD: checked by its own test)
                if (!n.equals("servicemonitor.example.yaml")) {
                    for (Map<String, Object> doc : Repo.yamlDocs(f)) {
                        parse(doc, "k8s/" + n);
                    }
                }
            }
        }
    }

    /** The client API Ingress publishes /v1, /v1beta, /upload, /ws and nothing else; the console has its own. */
    @Test
    void theIngressPublishesOnlyTheClientApiAndTheConsoleBehindAnAllowList() {
        List<Map<String, Object>> docs = Repo.yamlDocs(Repo.path("k8s/ingress.example.yaml"));
        assertEquals(2, docs.size(), "ingress.example.yaml: the client API and the console");
        ServicePort gw = one(Service.class, "gateway-service").getSpec().getPorts().get(0);
        Map<String, List<String>> pathsByIngress = new LinkedHashMap<>();
        for (Map<String, Object> doc : docs) {
            Ingress ingress = (Ingress) parse(doc, "ingress");
            List<String> paths = new ArrayList<>();
            for (var rule : ingress.getSpec().getRules()) {
                for (var path : rule.getHttp().getPaths()) {
                    assertEquals("Prefix", path.getPathType(), path.getPath());
                    var backend = path.getBackend().getService();
                    assertEquals("gateway-service", backend.getName(), "the Ingress example must publish the gateway only");
                    assertTrue(Objects.equals(backend.getPort().getName(), gw.getName())
                            || Objects.equals(backend.getPort().getNumber(), gw.getPort()), "Ingress backend port");
                    paths.add(path.getPath());
                }
            }
            pathsByIngress.put(ingress.getMetadata().getName(), paths);
            if (paths.contains("/console")) {
                String allow = ingress.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/whitelist-source-range");
                assertNotNull(allow, "the console Ingress has no allow-list");
                assertFalse(allow.contains("0.0.0.0/0"), "the console allow-list admits everyone");
            }
        }
        assertEquals(List.of("/v1", "/v1beta", "/upload", "/ws"), pathsByIngress.get("gateway-service"),
                "the client Ingress publishes exactly the client API (not /, not /q/*, not /console)");
        assertEquals(List.of("/console"), pathsByIngress.get("gateway-console"));
        List<String> hosts = docs.stream().map(d -> ((Ingress) parse(d, "ingress")).getSpec().getRules().get(0).getHost())
                .distinct().collect(Collectors.toList());
        assertEquals(2, hosts.size(), "the console is on its own host");
    }

    /** Prometheus: pod annotations for annotation-based scrapers, a ServiceMonitor example, a NetworkPolicy for both. */
    @Test
    @SuppressWarnings("unchecked")
    void prometheusCanScrapeEveryService() {
        Map<String, Object> sm = Repo.yamlDocs(Repo.path("k8s/servicemonitor.example.yaml")).get(0);
        assertEquals("monitoring.coreos.com/v1", sm.get("apiVersion"));
        assertEquals("ServiceMonitor", sm.get("kind"));
        Map<String, Object> spec = (Map<String, Object>) sm.get("spec");
        Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector")).get("matchLabels");
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
        assertEquals("/q/metrics", endpoints.get(0).get("path"));
        NetworkPolicy scrape = one(NetworkPolicy.class, "prometheus-scrape");
        for (String svc : Repo.SERVICES) {
            Service service = one(Service.class, svc);
            assertTrue(selects(selector, service.getMetadata().getLabels()), "the ServiceMonitor misses " + svc);
            assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals(endpoints.get(0).get("port"))),
                    svc + " has no port named " + endpoints.get(0).get("port"));
            var template = template(workload(svc));
            Map<String, String> ann = template.getMetadata().getAnnotations();
            assertEquals("true", ann.get("prometheus.io/scrape"), svc);
            assertEquals(String.valueOf(Repo.httpPort(svc)), ann.get("prometheus.io/port"), svc);
            assertEquals("/q/metrics", ann.get("prometheus.io/path"), svc);
            assertTrue(selects(scrape.getSpec().getPodSelector(), template.getMetadata().getLabels()),
                    "prometheus-scrape does not select " + svc);
            assertTrue(scrape.getSpec().getIngress().get(0).getPorts().stream()
                    .anyMatch(p -> Objects.equals(p.getPort().getIntVal(), Repo.httpPort(svc))), "scrape port of " + svc);
        }
        assertFalse(selects(scrape.getSpec().getPodSelector(), one(StatefulSet.class, "mysql").getSpec().getTemplate()
                .getMetadata().getLabels()), "the database is not scraped");
        for (NetworkPolicyPeer peer : scrape.getSpec().getIngress().get(0).getFrom()) {
            assertTrue(isPrometheus(peer), "prometheus-scrape admits more than the monitoring namespace's Prometheus");
        }
    }

    static boolean isPrometheus(NetworkPolicyPeer peer) {
        return peer.getIpBlock() == null && peer.getNamespaceSelector() != null && peer.getPodSelector() != null
                && "monitoring".equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))
                && "prometheus".equals(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/name"));
    }

    /** Where kubectl exists (it bundles kustomize), the in-test renderer must give exactly kubectl's output. */
    @Test
    void rendererMatchesKubectlKustomizeWhereAvailable() throws Exception {
        Optional<Path> kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(d -> Path.of(d, "kubectl")).filter(Files::isExecutable).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(kubectl.isPresent(), "kubectl not installed");
        Process p = new ProcessBuilder(kubectl.get().toString(), "kustomize", Repo.path("k8s").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize timed out");
        assertEquals(0, p.exitValue(), "kubectl kustomize k8s/ failed:\n" + output);
        Map<String, Object> theirs = new HashMap<>();
        for (Object o : Repo.yaml().loadAll(output)) {
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) o;
            theirs.put(doc.get("kind") + "/" + name(doc), doc);
        }
        Map<String, Object> ours = new HashMap<>();
        rendered.forEach(doc -> ours.put(doc.get("kind") + "/" + name(doc), doc));
        assertEquals(new TreeSet<>(theirs.keySet()), new TreeSet<>(ours.keySet()));
        for (String id : ours.keySet()) {
            assertEquals(theirs.get(id), ours.get(id), id + " renders differently from kubectl kustomize");
        }
    }

    // ------------------------------------------------------------------ workloads

    @Test
    void deploymentsHaveProbesOnTheHealthEndpointsAndTheirServicePort() {
        for (String svc : Repo.SERVICES) {
            HasMetadata d = workload(svc);
            int port = Repo.httpPort(svc);
            List<Container> containers = podSpec(d).getContainers();
            assertEquals(1, containers.size(), svc);
            Container c = containers.get(0);
            assertTrue(c.getImage().startsWith("gemini-pool/" + svc + ":"), svc + " image " + c.getImage());
            List<ContainerPort> ports = c.getPorts();
            assertEquals(1, ports.size(), svc + " exposes exactly one port");
            assertEquals(port, ports.get(0).getContainerPort(),
                    svc + ": containerPort differs from quarkus.http.port in application.properties");
            assertProbe(svc, "startup", c.getStartupProbe(), "/q/health/started", c, port);
            assertProbe(svc, "liveness", c.getLivenessProbe(), "/q/health/live", c, port);
            assertProbe(svc, "readiness", c.getReadinessProbe(), "/q/health/ready", c, port);

            Service service = one(Service.class, svc);
            assertTrue(selects(service.getSpec().getSelector(), template(d).getMetadata().getLabels()),
                    "Service " + svc + " does not select the pods of its Deployment");
            assertTrue(selects(selector(d), template(d).getMetadata().getLabels()),
                    svc + ": Deployment selector does not match its pod template");
            for (ServicePort sp : service.getSpec().getPorts()) {
                assertEquals(port, resolvePort(sp.getTargetPort(), c, "Service " + svc),
                        "Service " + svc + " targets a port the container does not serve");
                assertEquals(port, sp.getPort(), "Service " + svc + " should keep the service's own port number");
            }
        }
    }

    static int resolvePort(IntOrString p, Container c, String where) {
        assertNotNull(p, where + ": no port");
        if (p.getIntVal() != null) {
            return p.getIntVal();
        }
        return c.getPorts().stream().filter(cp -> p.getStrVal().equals(cp.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": named port " + p.getStrVal() + " not in container"))
                .getContainerPort();
    }

    static void assertProbe(String svc, String kind, Probe probe, String path, Container c, int port) {
        assertNotNull(probe, svc + " has no " + kind + " probe");
        assertNotNull(probe.getHttpGet(), svc + " " + kind + " probe is not an HTTP GET");
        assertEquals(path, probe.getHttpGet().getPath(), svc + " " + kind + " probe path");
        assertEquals(port, resolvePort(probe.getHttpGet().getPort(), c, svc + " " + kind + " probe"),
                svc + " " + kind + " probe port");
    }

    @Test
    void startupProbesAllowASlowFirstMigrationAndLivenessIsNotTheReadinessCheck() {
        for (String svc : Repo.SERVICES) {
            Container c = podSpec(workload(svc)).getContainers().get(0);
            Probe s = c.getStartupProbe();
            int budget = orDefault(s.getPeriodSeconds(), 10) * orDefault(s.getFailureThreshold(), 3);
            assertTrue(budget >= 120, svc + ": startup probe gives only " + budget + " s");
        }
    }

    static int orDefault(Integer v, int d) {
        return v == null ? d : v;
    }

    @Test
    void everyContainerHasRequestsLimitsAndANonRootSecurityContext() {
        for (HasMetadata w : workloads()) {
            String id = w.getKind() + "/" + w.getMetadata().getName();
            PodSpec spec = podSpec(w);
            var podSc = spec.getSecurityContext();
            assertNotNull(podSc, id + ": no pod securityContext");
            assertEquals(Boolean.TRUE, podSc.getRunAsNonRoot(), id + ": runAsNonRoot");
            assertNotNull(podSc.getRunAsUser(), id + ": runAsUser");
            assertTrue(podSc.getRunAsUser() > 0, id + ": runAsUser must not be 0");
            assertEquals(Boolean.FALSE, spec.getAutomountServiceAccountToken(), id + ": service account token mounted");
            for (Container c : spec.getContainers()) {
                var r = c.getResources();
                assertNotNull(r, id + ": no resources");
                for (String res : List.of("cpu", "memory")) {
                    assertNotNull(r.getRequests() == null ? null : r.getRequests().get(res), id + ": no " + res + " request");
                    assertNotNull(r.getLimits() == null ? null : r.getLimits().get("memory"), id + ": no memory limit");
                }
                assertTrue(Quantity.getAmountInBytes(r.getRequests().get("memory"))
                        .compareTo(Quantity.getAmountInBytes(r.getLimits().get("memory"))) <= 0, id + ": request > limit");
                var sc = c.getSecurityContext();
                assertNotNull(sc, id + ": no container securityContext");
                assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation(), id + ": allowPrivilegeEscalation");
                assertTrue(sc.getCapabilities() != null && sc.getCapabilities().getDrop().contains("ALL"),
                        id + ": capabilities not dropped");
                assertTrue(sc.getPrivileged() == null || !sc.getPrivileged(), id + ": privileged");
                assertTrue(sc.getRunAsUser() == null || sc.getRunAsUser() > 0, id + ": container runs as root");
            }
        }
        for (String svc : Repo.SERVICES) {
            Container c = podSpec(workload(svc)).getContainers().get(0);
            assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), svc + ": readOnlyRootFilesystem");
            assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")),
                    svc + ": a read-only root filesystem needs a writable /tmp");
        }
    }

    @Test
    void replicasAndGracefulShutdown() {
        for (String svc : Repo.SERVICES) {
            HasMetadata d = workload(svc);
            Integer replicas = replicas(d);
            if (svc.equals("gateway-service")) {
                assertNull(replicas, "the gateway's replica count belongs to its HPA (no spec.replicas)");
            } else {
                assertTrue(replicas != null && replicas > 1, svc + " should run more than one replica");
            }
            if (d instanceof StatefulSet set) {
                // A pod keeps its name and its volume claim across a roll, so it is replaced in place, one at a time;
                // the HPA's two replicas at least (theHpaScalesTheGateway) keep one serving meanwhile.
                assertEquals("RollingUpdate", set.getSpec().getUpdateStrategy().getType(), svc);
                assertEquals("Parallel", set.getSpec().getPodManagementPolicy(),
                        svc + ": the HPA must scale without waiting for each pod in turn");
            } else {
                assertEquals(0, ((Deployment) d).getSpec().getStrategy().getRollingUpdate().getMaxUnavailable()
                        .getIntVal(), svc + ": rolling update must keep every replica until the new one is ready");
            }
            PodSpec spec = podSpec(d);
            Container c = spec.getContainers().get(0);
            assertNotNull(c.getLifecycle(), svc + ": no preStop hook");
            var preStop = c.getLifecycle().getPreStop();
            assertNotNull(preStop, svc + ": no preStop hook");
            int sleep = preStop.getSleep() != null ? preStop.getSleep().getSeconds().intValue()
                    : Integer.parseInt(preStop.getExec().getCommand().get(1));
            assertEquals("sleep", preStop.getSleep() != null ? "sleep" : preStop.getExec().getCommand().get(0));
            long grace = spec.getTerminationGracePeriodSeconds();
            int shutdown = c.getEnv().stream().filter(e -> e.getName().equals("QUARKUS_SHUTDOWN_TIMEOUT"))
                    .map(e -> Integer.parseInt(e.getValue().replaceAll("(?i)s$", ""))).findFirst().orElse(0);
            assertTrue(grace > sleep + shutdown + 5, svc + ": terminationGracePeriodSeconds " + grace
                    + " leaves no time after preStop (" + sleep + " s) and shutdown (" + shutdown + " s)");
            if (svc.equals("gateway-service")) {
                assertTrue(grace >= 45, "the gateway needs time to flush its usage queue on shutdown");
                assertTrue(shutdown > 0, "the gateway should wait for in-flight requests (QUARKUS_SHUTDOWN_TIMEOUT)");
            }
        }
    }

    @Test
    void mysqlIsAStatefulSetWithAVolumeClaimAndItsInitScriptIsTheComposeOne() {
        StatefulSet mysql = one(StatefulSet.class, "mysql");
        assertTrue(mysql.getSpec().getVolumeClaimTemplates().stream()
                .anyMatch(t -> t.getSpec().getResources().getRequests().containsKey("storage")), "mysql has no PVC");
        Container c = podSpec(mysql).getContainers().get(0);
        assertTrue(c.getImage().startsWith("mysql:8"), "MySQL 8 image");
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/var/lib/mysql")
                && m.getName().equals(mysql.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName())));
        assertNotNull(c.getReadinessProbe());
        assertNotNull(c.getLivenessProbe());
        ConfigMap init = one(ConfigMap.class, "mysql-init");
        assertEquals(Repo.read("deploy/mysql-init/01-gemini-pool-user.sh"), init.getData().get("01-gemini-pool-user.sh"),
                "k8s/mysql.yaml's init script differs from deploy/mysql-init/01-gemini-pool-user.sh");
        Service svc = one(Service.class, "mysql");
        assertTrue(selects(svc.getSpec().getSelector(), mysql.getSpec().getTemplate().getMetadata().getLabels()));
        ConfigMap config = one(ConfigMap.class, "gemini-pool-config");
        String dbUrl = config.getData().get("GEMINI_POOL_DB_URL");
        assertEquals("mysql://mysql:" + svc.getSpec().getPorts().get(0).getPort(), dbUrl);
    }

    @Test
    void urlsInTheConfigMapPointAtTheServices() {
        ConfigMap config = one(ConfigMap.class, "gemini-pool-config");
        assertEquals("http://keypool-service:" + one(Service.class, "keypool-service").getSpec().getPorts().get(0).getPort(),
                config.getData().get("GEMINI_POOL_KEYPOOL_URL"));
        assertEquals("http://usage-service:" + one(Service.class, "usage-service").getSpec().getPorts().get(0).getPort(),
                config.getData().get("GEMINI_POOL_USAGE_URL"));
        assertTrue(config.getData().get("GEMINI_POOL_DB_URL").matches("mysql://[^/]+:\\d+"), "DB URL form mysql://host:port");
    }

    @Test
    void routesComeFromAConfigMapMountedAsADirectoryAndMatchTheComposeExample() {
        PodSpec spec = podSpec(workload("gateway-service"));
        ConfigMap config = one(ConfigMap.class, "gemini-pool-config");
        String routesPath = config.getData().get("GEMINI_POOL_ROUTES");
        ConfigMap routes = one(ConfigMap.class, "gemini-pool-routes");
        String volume = spec.getVolumes().stream()
                .filter(v -> v.getConfigMap() != null && "gemini-pool-routes".equals(v.getConfigMap().getName()))
                .findFirst().orElseThrow(() -> new AssertionError("gateway does not mount gemini-pool-routes")).getName();
        var mount = spec.getContainers().get(0).getVolumeMounts().stream().filter(m -> m.getName().equals(volume))
                .findFirst().orElseThrow();
        assertNull(mount.getSubPath(), "a subPath mount never sees ConfigMap updates: mount the directory");
        String key = routesPath.substring(mount.getMountPath().length() + 1);
        assertEquals(mount.getMountPath() + "/" + key, routesPath);
        String yaml = routes.getData().get(key);
        assertNotNull(yaml, "GEMINI_POOL_ROUTES names key " + key + " which gemini-pool-routes lacks");
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) Repo.yaml().load(yaml);
        assertNotNull(parsed.get("default"));
        assertTrue(parsed.get("routes") instanceof List<?> l && !l.isEmpty());
        assertEquals(parsed, Repo.yaml().load(Repo.read("deploy/config/routes.yaml")),
                "k8s routes and deploy/config/routes.yaml differ");
        assertTrue(spec.getContainers().get(0).getVolumeMounts().stream()
                .anyMatch(m -> m.getMountPath().equals(config.getData().get("GEMINI_POOL_SPILL_DIR"))),
                "the gateway's spill folder is not a mounted volume");
    }

    @Test
    void theGatewaysSpillFolderOutlivesItsPod() {
        // The usage write-ahead log (gateway-service README, "Usage shipping"): an emptyDir dies with the pod and takes
        // the undelivered usage with it; a per-pod claim comes back with the pod of the same name.
        HasMetadata gateway = workload("gateway-service");
        assertTrue(gateway instanceof StatefulSet, "the gateway must be a StatefulSet (a volume claim per pod)");
        StatefulSet set = (StatefulSet) gateway;
        String spillDir = one(ConfigMap.class, "gemini-pool-config").getData().get("GEMINI_POOL_SPILL_DIR");
        String volume = podSpec(set).getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(spillDir)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at the spill folder " + spillDir)).getName();
        assertTrue(podSpec(set).getVolumes() == null || podSpec(set).getVolumes().stream()
                .noneMatch(v -> v.getName().equals(volume)), "the spill folder must not be a pod volume (emptyDir)");
        var claim = set.getSpec().getVolumeClaimTemplates().stream()
                .filter(t -> t.getMetadata().getName().equals(volume)).findFirst()
                .orElseThrow(() -> new AssertionError("no volumeClaimTemplate " + volume + " for the spill folder"));
        assertEquals(List.of("ReadWriteOnce"), claim.getSpec().getAccessModes(), "one gateway per spill folder");
        var storage = claim.getSpec().getResources().getRequests().get("storage");
        assertNotNull(storage, "the spill claim requests no storage");
        assertTrue(io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(storage).longValue() > 1L << 30,
                "the claim must hold GEMINI_POOL_USAGE_SPILL_MAX_SIZE (1G) and rejected/: " + storage);
    }

    // ------------------------------------------------------------------ env and secrets

    @Test
    void envVariablesResolveAndAreDocumentedInTheReadme() {
        Map<String, String> table = Repo.readmeEnvTable();
        for (HasMetadata w : workloads()) {
            boolean ours = Repo.SERVICES.contains(w.getMetadata().getName());
            for (Container c : podSpec(w).getContainers()) {
                assertTrue(c.getEnvFrom() == null || c.getEnvFrom().isEmpty(),
                        w.getMetadata().getName() + ": use explicit env entries (envFrom hides what a service gets)");
                for (EnvVar e : c.getEnv()) {
                    String id = w.getMetadata().getName() + " env " + e.getName();
                    if (ours || !e.getName().startsWith("MYSQL_")) {
                        assertTrue(table.containsKey(e.getName()) || e.getName().startsWith("QUARKUS_"),
                                id + " is not in README.md's Configuration table");
                    }
                    if (e.getValueFrom() == null) {
                        continue;
                    }
                    var cm = e.getValueFrom().getConfigMapKeyRef();
                    var sk = e.getValueFrom().getSecretKeyRef();
                    if (cm != null) {
                        assertTrue(one(ConfigMap.class, cm.getName()).getData().containsKey(cm.getKey()), id);
                    } else {
                        assertNotNull(sk, id + ": only ConfigMap and Secret references are used");
                        assertEquals(w.getMetadata().getName() + "-secrets", sk.getName(), id + ": a Secret of its own");
                        assertTrue(secretTemplate(sk.getName()).getStringData().containsKey(sk.getKey()),
                                id + ": key missing in k8s/secret.example.yaml");
                    }
                }
            }
        }
        for (ConfigMap cm : List.of(one(ConfigMap.class, "gemini-pool-config"))) {
            for (String key : cm.getData().keySet()) {
                assertTrue(table.containsKey(key), "gemini-pool-config key " + key + " is not in README.md's table");
            }
        }
        // each service gets what the README table says it uses
        Map<String, String> serviceWord = Map.of("gateway-service", "gateway", "keypool-service", "keypool",
                "usage-service", "usage");
        for (String svc : Repo.SERVICES) {
            Set<String> names = podSpec(workload(svc)).getContainers().get(0).getEnv().stream()
                    .map(EnvVar::getName).collect(Collectors.toSet());
            // the stable names, plus the gateway's wiring; optional tuning knobs keep their defaults
            Set<String> essential = new HashSet<>(Repo.readmeStableVars());
            essential.addAll(List.of("GEMINI_POOL_KEYPOOL_URL", "GEMINI_POOL_USAGE_URL", "GEMINI_POOL_SPILL_DIR"));
            table.forEach((var, usedBy) -> {
                boolean needed = usedBy.matches("(?i).*\\b(" + serviceWord.get(svc) + "|all)\\b.*")
                        && essential.contains(var);
                if (needed) {
                    assertTrue(names.contains(var), svc + " does not get " + var + " (README: used by " + usedBy + ")");
                }
            });
        }
    }

    static List<Secret> secretTemplates() {
        return Repo.yamlDocs(Repo.path("k8s/secret.example.yaml")).stream()
                .map(d -> (Secret) parse(d, "k8s/secret.example.yaml")).collect(Collectors.toList());
    }

    static Secret secretTemplate(String name) {
        return secretTemplates().stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("k8s/secret.example.yaml has no Secret " + name));
    }

    /** Each workload's Secret holds exactly the secrets it reads (deploy/secrets-init.sh's lists, the README's). */
    @Test
    void eachWorkloadHasASecretWithExactlyItsOwnKeys() {
        for (String word : List.of("gateway", "keypool", "usage", "mysql")) {
            String name = word.equals("mysql") ? "mysql-secrets" : word + "-service-secrets";
            assertEquals(Repo.secretsInitList("SECRETS_" + word), new TreeSet<>(secretTemplate(name).getStringData().keySet()),
                    name + " keys");
            HasMetadata w = workloads().stream().filter(o -> (o.getMetadata().getName() + "-secrets").equals(name))
                    .findFirst().orElseThrow();
            Set<String> read = podSpec(w).getContainers().get(0).getEnv().stream()
                    .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                    .map(EnvVar::getName).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Repo.secretsInitList("SECRETS_" + word), read, w.getMetadata().getName() + " reads other secrets");
        }
        assertEquals(4, secretTemplates().size());
    }

    @Test
    void noSecretValuesAreCommitted() {
        assertTrue(all(Secret.class).isEmpty(),
                "kustomization.yaml must not apply a Secret: it would overwrite the real one with committed values");
        for (Secret template : secretTemplates()) {
            assertTrue(template.getData() == null || template.getData().isEmpty(), "use stringData placeholders");
            for (var e : template.getStringData().entrySet()) {
                assertTrue(e.getValue().matches("<[^>]*>"), "secret.example.yaml " + e.getKey()
                        + " must be a <placeholder>, not a value");
                assertFalse(GOOGLE_KEY.matcher(e.getValue()).find());
            }
        }
        for (Map<String, Object> doc : rendered) {
            assertFalse(GOOGLE_KEY.matcher(SERIALIZATION.asJson(doc)).find(), "a Google key in " + name(doc));
        }
        // the documented command creates every key the manifests read
        String readme = Repo.read("k8s/README.md");
        for (Secret template : secretTemplates()) {
            String secret = template.getMetadata().getName();
            int at = readme.indexOf("create secret generic " + secret + " ");
            assertTrue(at >= 0, "k8s/README.md lacks the create-secret command of " + secret);
            // the command: its line and the continuation lines after it (ending in a backslash)
            StringBuilder command = new StringBuilder();
            for (String line : readme.substring(at).split("\n")) {
                command.append(line).append('\n');
                if (!line.stripTrailing().endsWith("\\")) {
                    break;
                }
            }
            for (String key : template.getStringData().keySet()) {
                assertTrue(command.toString().contains("--from-literal=" + key + "="), "k8s/README.md: " + secret + " lacks " + key);
            }
        }
    }

    // ------------------------------------------------------------------ network, scaling, disruption

    @Test
    void onlyTheGatewayReachesKeypoolAndUsage() {
        List<NetworkPolicy> policies = all(NetworkPolicy.class);
        assertTrue(policies.stream().anyMatch(p -> selectsAll(p) && p.getSpec().getPolicyTypes().contains("Ingress")
                && (p.getSpec().getIngress() == null || p.getSpec().getIngress().isEmpty())),
                "no default-deny ingress policy");
        Map<String, String> gateway = podLabels("gateway-service");
        for (String svc : List.of("keypool-service", "usage-service")) {
            Map<String, String> labels = podLabels(svc);
            int port = Repo.httpPort(svc);
            List<NetworkPolicy> applying = policies.stream()
                    .filter(p -> p.getSpec().getPodSelector().getMatchLabels() != null
                            && !p.getSpec().getPodSelector().getMatchLabels().isEmpty()
                            && selects(p.getSpec().getPodSelector(), labels))
                    .collect(Collectors.toList());
            assertFalse(applying.isEmpty(), "no NetworkPolicy opens " + svc);
            boolean gatewayAllowed = false;
            for (NetworkPolicy p : applying) {
                for (NetworkPolicyIngressRule rule : p.getSpec().getIngress()) {
                    assertNotNull(rule.getFrom(), p.getMetadata().getName() + ": a rule without 'from' admits everyone");
                    assertFalse(rule.getFrom().isEmpty(), p.getMetadata().getName() + ": empty 'from' admits everyone");
                    for (NetworkPolicyPeer peer : rule.getFrom()) {
                        if (isPrometheus(peer)) {
                            continue;   // the scraper, checked by prometheusCanScrapeEveryService
                        }
                        assertNull(peer.getIpBlock(), p.getMetadata().getName() + ": ipBlock peer");
                        assertNull(peer.getNamespaceSelector(), p.getMetadata().getName() + ": namespaceSelector peer");
                        assertNotNull(peer.getPodSelector());
                        assertTrue(selects(peer.getPodSelector(), gateway), p.getMetadata().getName()
                                + " admits pods other than the gateway: " + peer.getPodSelector().getMatchLabels());
                        for (String other : Repo.SERVICES) {
                            if (!other.equals("gateway-service")) {
                                assertFalse(selects(peer.getPodSelector(), podLabels(other)),
                                        p.getMetadata().getName() + " also admits " + other);
                            }
                        }
                    }
                    gatewayAllowed |= rule.getPorts() != null && rule.getPorts().stream()
                            .anyMatch(pp -> pp.getPort() != null && Objects.equals(pp.getPort().getIntVal(), port));
                }
            }
            assertTrue(gatewayAllowed, "the gateway cannot reach " + svc + " on " + port);
        }
        // the gateway itself accepts clients; no policy with an empty podSelector allows ingress broadly
        for (NetworkPolicy p : policies) {
            if (selectsAll(p)) {
                assertTrue(p.getSpec().getIngress() == null || p.getSpec().getIngress().isEmpty(),
                        p.getMetadata().getName() + " opens every pod");
            }
        }
    }

    static boolean selectsAll(NetworkPolicy p) {
        LabelSelector s = p.getSpec().getPodSelector();
        return (s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
                && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty());
    }

    @Test
    void theHpaScalesTheGateway() {
        List<HorizontalPodAutoscaler> hpas = all(HorizontalPodAutoscaler.class);
        assertEquals(1, hpas.size());
        var spec = hpas.get(0).getSpec();
        assertEquals(workload("gateway-service").getKind(), spec.getScaleTargetRef().getKind());
        assertEquals("apps/v1", spec.getScaleTargetRef().getApiVersion());
        assertEquals("gateway-service", spec.getScaleTargetRef().getName());
        assertTrue(spec.getMinReplicas() != null && spec.getMinReplicas() >= 2, "HPA minReplicas >= 2");
        assertTrue(spec.getMaxReplicas() > spec.getMinReplicas());
        assertTrue(spec.getMetrics().stream().anyMatch(m -> m.getResource() != null
                && "cpu".equals(m.getResource().getName())), "HPA on CPU");
        assertNotNull(podSpec(workload("gateway-service")).getContainers().get(0).getResources()
                .getRequests().get("cpu"), "CPU utilization needs a CPU request");
    }

    @Test
    void everyServiceHasAPodDisruptionBudget() {
        List<PodDisruptionBudget> pdbs = all(PodDisruptionBudget.class);
        for (String svc : Repo.SERVICES) {
            Map<String, String> labels = podLabels(svc);
            List<PodDisruptionBudget> matching = pdbs.stream()
                    .filter(p -> selects(p.getSpec().getSelector(), labels)).collect(Collectors.toList());
            assertEquals(1, matching.size(), svc + " needs exactly one PodDisruptionBudget");
            var spec = matching.get(0).getSpec();
            assertTrue(spec.getMinAvailable() != null ^ spec.getMaxUnavailable() != null);
            if (spec.getMinAvailable() != null) {
                assertEquals(1, spec.getMinAvailable().getIntVal(), svc + " PDB minAvailable");
            }
        }
        for (PodDisruptionBudget p : pdbs) {
            assertTrue(Repo.SERVICES.stream().anyMatch(s -> selects(p.getSpec().getSelector(), podLabels(s))),
                    "PDB " + p.getMetadata().getName() + " selects no service");
        }
    }

}
