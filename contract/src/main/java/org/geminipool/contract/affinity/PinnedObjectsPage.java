package org.geminipool.contract.affinity;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.List;

/**
 * A page of {@code GET /admin/objects}: live objects ordered by project, then newest first; {@code nextOffset} is the
 * {@code offset} of the next page, null on the last one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PinnedObjectsPage(List<PinnedObject> objects, Integer nextOffset) {

    /** Most objects one admin page answers. */
    public static final int MAX_PAGE = 500;
}
