package org.geminipool.simulator;

/** How the simulated Google treats an API key. Keys that were never added are {@link #INVALID}, as at Google. */
public enum KeyStatus {
    /** Accepted; subject to the quota of its project. */
    VALID,
    /** 400 INVALID_ARGUMENT, ErrorInfo reason API_KEY_INVALID. */
    INVALID,
    /** 403 PERMISSION_DENIED, ErrorInfo reason CONSUMER_SUSPENDED. */
    SUSPENDED
}
