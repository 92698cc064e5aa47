package org.geminipool.usage.service;

/** Answer of {@code POST /usage/events}: events newly counted, and events already seen (ignored). */
public record IngestResult(int accepted, int duplicates) {
}
