package org.slmlab.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final float[] LOGITS = {1f, 3f, 2f, 3f, -1f, 0.5f};

    @Test
    void greedyTakesTheLowestIdAmongTies() {
        assertEquals(1, new Sampler(SamplerSettings.greedy()).sample(LOGITS, List.of()));
    }

    @Test
    void repeatPenaltyPushesRecentTokensDown() {
        var s = new Sampler(SamplerSettings.greedy().withRepeatPenalty(2f));
        // 1 and 3 drop from 3 to 1.5, so 2 (logit 2) wins.
        assertEquals(2, s.sample(LOGITS, List.of(1, 3)));
    }

    @Test
    void sameSeedSameTokens() {
        var settings = SamplerSettings.defaults(7).withTemperature(1.5f).withTopK(0).withTopP(1f).withMinP(0f);
        var a = new Sampler(settings);
        var b = new Sampler(settings);
        for (int i = 0; i < 50; i++) {
            assertEquals(a.sample(LOGITS, List.of()), b.sample(LOGITS, List.of()));
        }
    }

    @Test
    void topKOneIsGreedyWhateverTheTemperature() {
        var s = new Sampler(SamplerSettings.defaults(3).withTemperature(5f).withTopK(1));
        for (int i = 0; i < 20; i++) {
            assertEquals(1, s.sample(LOGITS, List.of()));
        }
    }

    @Test
    void topPAndMinPCutTheTail() {
        Set<Integer> seen = new HashSet<>();
        var s = new Sampler(SamplerSettings.defaults(11).withTemperature(10f).withTopK(0).withTopP(1f).withMinP(0.3f));
        for (int i = 0; i < 500; i++) {
            seen.add(s.sample(LOGITS, List.of()));
        }
        // p ∝ e^logit: tokens 1 and 3 (e^3) and 2 (e^2 ≈ 0.37 of e^3) survive min-p 0.3; the rest do not.
        assertEquals(Set.of(1, 2, 3), seen);
        Set<Integer> seenTopP = new HashSet<>();
        var t = new Sampler(SamplerSettings.defaults(11).withTemperature(10f).withTopK(0).withTopP(0.5f).withMinP(0f));
        for (int i = 0; i < 500; i++) {
            seenTopP.add(t.sample(LOGITS, List.of()));
        }
        assertEquals(Set.of(1, 3), seenTopP);
    }

    @Test
    void highTemperatureSpreadsTheDraws() {
        var s = new Sampler(SamplerSettings.defaults(5).withTemperature(100f).withTopK(0).withTopP(1f).withMinP(0f));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(s.sample(LOGITS, List.of()));
        }
        assertEquals(LOGITS.length, seen.size());
        assertNotEquals(new Sampler(SamplerSettings.defaults(1)).settings(), new Sampler(SamplerSettings.defaults(2)).settings());
    }

    @Test
    void probabilitiesAreTheTemperedSoftmaxOfTheSurvivors() {
        var settings = SamplerSettings.defaults(11).withTemperature(2f).withTopK(0).withTopP(1f).withMinP(0.3f);
        double[] p = new Sampler(settings).probabilities(LOGITS, List.of());
        // min-p 0.3 keeps ids 1, 3 (logit 3) and 2 (logit 2); the temperature then divides those logits by 2.
        double z = 2 * Math.exp(3 / 2.0) + Math.exp(2 / 2.0);
        double[] expected = {0, Math.exp(1.5) / z, Math.exp(1.0) / z, Math.exp(1.5) / z, 0, 0};
        for (int i = 0; i < LOGITS.length; i++) {
            assertEquals(expected[i], p[i], 1e-12, "token " + i);
        }
        double[] greedy = new Sampler(SamplerSettings.greedy().withRepeatPenalty(2f)).probabilities(LOGITS, List.of(1, 3));
        assertEquals(1.0, greedy[2]);
        assertEquals(1.0, java.util.Arrays.stream(greedy).sum());
    }

    @Test
    void drawsFollowTheProbabilitiesAndDoNotDependOnAskingForThem() {
        var settings = SamplerSettings.defaults(21).withTemperature(1.3f).withTopK(4).withTopP(0.9f).withMinP(0f)
                .withRepeatPenalty(1.5f);
        List<Integer> history = List.of(3);
        var asking = new Sampler(settings);
        var silent = new Sampler(settings);
        double[] p = asking.probabilities(LOGITS, history);
        int n = 20_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) {
            int t = asking.sample(LOGITS, history);
            assertEquals(silent.sample(LOGITS, history), t, "draw " + i);
            asking.probabilities(LOGITS, history);
            counts[t]++;
        }
        for (int i = 0; i < LOGITS.length; i++) {
            // A frequency over 20,000 draws has a standard deviation of at most 0.0036; 5 of them is 0.018.
            assertEquals(p[i], counts[i] / (double) n, 0.018, "token " + i);
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SamplerSettings.greedy().withTopP(0f));
        assertThrows(IllegalArgumentException.class, () -> SamplerSettings.greedy().withTopK(-1));
        assertTrue(SamplerSettings.greedy().isGreedy());
    }
}
