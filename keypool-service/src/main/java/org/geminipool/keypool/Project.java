package org.geminipool.keypool;

import io.quarkus.hibernate.reactive.panache.PanacheEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.time.Instant;

@Entity
@Table(name = "gp_project")
public class Project extends PanacheEntity {
    @Column(nullable = false, length = 128)
    public String name;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
