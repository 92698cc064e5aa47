package org.geminipool.keypool;

public enum KeyState {
    ACTIVE, DISABLED, BANNED
}
