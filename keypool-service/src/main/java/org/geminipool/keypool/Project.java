package org.geminipool.keypool;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Google project: the unit Google applies quotas to. Keys of one project share its buckets. */
@Entity
@Table(name = "gp_project")
public class Project extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(nullable = false, length = 128)
    public String name;
    @Column(name = "created_at_ms", nullable = false)
    public long createdAtMs;
}
