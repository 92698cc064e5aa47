package org.geminipool.keypool.service;

import org.geminipool.keypool.TestKeys;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyCryptoTest {

    private static String secret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void encryptsWithAFreshIvAndDecryptsBack() {
        KeyCrypto crypto = new KeyCrypto(secret());
        String raw = TestKeys.rawKey();
        byte[] a = crypto.encrypt(raw);
        byte[] b = crypto.encrypt(raw);
        assertFalse(java.util.Arrays.equals(a, b), "a fresh IV per encryption");
        assertEquals(raw, crypto.decrypt(a));
        assertEquals(raw, crypto.decrypt(b));
        assertFalse(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1).contains(raw.substring(4)));
    }

    @Test
    void fingerprintIsStablePerSecretAndNotAPlainHash() {
        String s = secret();
        String raw = TestKeys.rawKey();
        assertEquals(new KeyCrypto(s).fingerprint(raw), new KeyCrypto(s).fingerprint(raw));
        assertNotEquals(new KeyCrypto(s).fingerprint(raw), new KeyCrypto(secret()).fingerprint(raw));
        assertEquals(64, new KeyCrypto(s).fingerprint(raw).length());
    }

    @Test
    void tamperedOrForeignCiphertextIsRefusedWithoutShowingIt() {
        String raw = TestKeys.rawKey();
        byte[] sealed = new KeyCrypto(secret()).encrypt(raw);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new KeyCrypto(secret()).decrypt(sealed));
        assertTrue(e.getMessage().contains("GEMINI_POOL_ENCRYPTION_KEY"));
    }

    @Test
    void masksAsPrefixEllipsisLastFour() {
        assertEquals("AIza…wXyZ", KeyCrypto.mask("AIza" + "0".repeat(31) + "wXyZ"));
    }

    @Test
    void refusesAMissingOrWrongSizedSecretWithAClearMessage() {
        assertTrue(assertThrows(IllegalStateException.class, () -> new KeyCrypto(""))
                .getMessage().contains("GEMINI_POOL_ENCRYPTION_KEY is not set"));
        assertTrue(assertThrows(IllegalStateException.class, () -> new KeyCrypto("%%%not base64"))
                .getMessage().contains("not valid base64"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> new KeyCrypto(Base64.getEncoder().encodeToString(new byte[16])))
                .getMessage().contains("16 bytes"));
        assertArrayEquals(new byte[32], KeyCrypto.decodeSecret(Base64.getEncoder().encodeToString(new byte[32])));
    }

    @Test
    void everyKeyKindRoundTripsAndMasksTheSameWay() {
        KeyCrypto crypto = new KeyCrypto(Base64.getEncoder().encodeToString(new byte[32]));
        for (String raw : new String[]{TestKeys.standardKey(), TestKeys.authKey("AQ."), TestKeys.authKey("IQ.")}) {
            assertEquals(raw, crypto.decrypt(crypto.encrypt(raw)));
            assertEquals(raw.substring(0, 4) + "…" + raw.substring(raw.length() - 4), KeyCrypto.mask(raw));
            assertEquals(crypto.fingerprint(raw), crypto.fingerprint(raw));
        }
        // The longest key import accepts still fits the column (VARBINARY(600)).
        assertTrue(crypto.encrypt("A".repeat(512)).length <= 600);
    }
}
