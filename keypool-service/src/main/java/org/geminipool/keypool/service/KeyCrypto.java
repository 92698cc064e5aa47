package org.geminipool.keypool.service;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.geminipool.keypool.config.KeypoolConfig;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Keys at rest: AES-256-GCM under GEMINI_POOL_ENCRYPTION_KEY (random 12-byte IV per key, stored in front of the
 * ciphertext); a fingerprint (HMAC-SHA256 under a key derived from the same secret) for dedupe; a masked form for
 * display. Created at start so a missing or malformed secret stops the service with a clear message.
 */
@Startup
@ApplicationScoped
public class KeyCrypto {

    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One AES-GCM Cipher per thread for decryption (every lease decrypts the chosen key): Cipher.getInstance does a
     * provider lookup each time. Re-initialised per call with the stored IV, so nothing carries over between keys.
     * Encryption keeps a fresh Cipher per call.
     */
    private static final ThreadLocal<Cipher> DECRYPTERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });

    private final SecretKeySpec aesKey;
    private final SecretKeySpec fingerprintKey;

    @Inject
    public KeyCrypto(KeypoolConfig config) {
        this(config.encryptionKey().orElse(""));
    }

    public KeyCrypto(String base64Secret) {
        byte[] secret = decodeSecret(base64Secret);
        this.aesKey = new SecretKeySpec(secret, "AES");
        this.fingerprintKey = new SecretKeySpec(hmac(new SecretKeySpec(secret, "HmacSHA256"),
                "gemini-pool key fingerprint v1".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
    }

    static byte[] decodeSecret(String base64Secret) {
        if (base64Secret == null || base64Secret.isBlank()) {
            throw new IllegalStateException("GEMINI_POOL_ENCRYPTION_KEY is not set: keypool-service needs a secret to "
                    + "encrypt API keys at rest (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)");
        }
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(base64Secret.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("GEMINI_POOL_ENCRYPTION_KEY is not valid base64 (expected base64 of 32 "
                    + "random bytes, e.g. `openssl rand -base64 32`)");
        }
        if (secret.length != 32) {
            throw new IllegalStateException("GEMINI_POOL_ENCRYPTION_KEY decodes to " + secret.length
                    + " bytes; it must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)");
        }
        return secret;
    }

    public byte[] encrypt(String rawKey) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(rawKey.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public String decrypt(byte[] stored) {
        try {
            Cipher cipher = DECRYPTERS.get();
            cipher.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(128, stored, 0, IV_BYTES));
            return new String(cipher.doFinal(stored, IV_BYTES, stored.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            // Never include the data: it is a key. A wrong GEMINI_POOL_ENCRYPTION_KEY is the usual cause.
            throw new IllegalStateException("cannot decrypt a stored key: was GEMINI_POOL_ENCRYPTION_KEY changed?");
        }
    }

    public String fingerprint(String rawKey) {
        return HexFormat.of().formatHex(hmac(fingerprintKey, rawKey.getBytes(StandardCharsets.UTF_8)));
    }

    public static String mask(String rawKey) {
        return org.geminipool.contract.ApiKeys.mask(rawKey);
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
