package org.geminipool.deploycheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** deploy/README.md and k8s/README.md cover the steps the issue asks for, with the real names. */
class DocsTest {

    @Test
    void ec2GuideCoversEveryStep() {
        String doc = Repo.read("deploy/README.md");
        for (String needle : List.of("mvn -B package -DskipTests", "docker compose up -d", "cp .env.example .env",
                "/admin/keys/import?pool=", "Content-Type: text/plain", "--data-binary", "systemctl enable --now",
                "mysqldump", "8080", "security group", "/q/health/ready", "Upgrade", "Backup",
                // one command on a VM with only Docker; HTTPS with and without a domain; small VMs; least privilege
                "cp .env.example .env && docker compose up -d --build", "--profile https", "GEMINI_POOL_DOMAIN",
                "sslip.io", "443", "swap", "t4g.micro", "secrets-init.sh systemd deploy/.env /etc/gemini-pool",
                "/etc/gemini-pool/<name>.env", "bench/memory/README.md", "not build")) {
            assertTrue(doc.contains(needle), "deploy/README.md does not mention: " + needle);
        }
    }

    @Test
    void k8sGuideCoversApplyAndAdminAccess() {
        String doc = Repo.read("k8s/README.md");
        for (String needle : List.of("kubectl apply -k k8s/", "kubectl -n gemini-pool port-forward",
                "/admin/keys/import", "GEMINI_POOL_DB_URL", "ingress.example.yaml")) {
            assertTrue(doc.contains(needle), "k8s/README.md does not mention: " + needle);
        }
    }
}
