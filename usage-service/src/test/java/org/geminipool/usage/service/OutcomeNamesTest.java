package org.geminipool.usage.service;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every outcome the gateway can report is one usage-service accepts (else a whole batch would be refused). */
class OutcomeNamesTest {

    @Test
    void usageAcceptsEveryOutcomeTheGatewaySends() {
        List<String> sent = Arrays.stream(org.geminipool.common.upstream.Outcome.values())
                .filter(o -> o != org.geminipool.common.upstream.Outcome.EXPIRED).map(Enum::name).toList();
        assertEquals(sent, Arrays.stream(Outcome.values()).map(Enum::name).toList());
    }
}
