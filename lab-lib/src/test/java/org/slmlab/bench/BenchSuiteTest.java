package org.slmlab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slmlab.quant.LlamaFileType;

class BenchSuiteTest {

    @Test
    void csvHasOneLinePerTypeAndEmptyFieldsForWhatIsMissing() {
        var info = new BenchResult.ModelInfo("q.gguf", "qwen3 0.6B Q4_0", "Q4_0", 375_000_000L, 596_000_000L);
        var pp = new BenchResult(info, 64, 0, 2, new double[] {100, 120});
        var tg = new BenchResult(info, 0, 32, 2, new double[] {20, 22});
        var tgOnly = new BenchResult(info, 0, 32, 2, new double[] {10});
        String csv = BenchSuite.csv(List.of(
                new BenchSuite.Row(LlamaFileType.Q4_0, pp, tg, 267.0, 24.4),
                new BenchSuite.Row(LlamaFileType.TQ2_0, null, tgOnly, null, null)));
        assertEquals("""
                type,size_bytes,threads,n_prompt,pp_ts,pp_stddev_ts,n_gen,tg_ts,tg_stddev_ts,llama_cpp_pp64,llama_cpp_tg32
                Q4_0,375000000,2,64,110.000,14.142,32,21.000,1.414,267.0,24.4
                TQ2_0,375000000,2,,,,32,10.000,0.000,,
                """, csv);
    }
}
