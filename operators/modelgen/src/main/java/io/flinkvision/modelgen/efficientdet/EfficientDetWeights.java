package io.flinkvision.modelgen.efficientdet;

import io.flinkvision.modelgen.efficientnet.EfficientNetWeights;
import io.flinkvision.modelgen.onnx.FloatTensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All tensors of one EfficientDet, by the names of {@link EfficientDetArchitecture#expectedShapes()}
 * (unfolded BatchNorm). The arrays are shared, not copied.
 */
public final class EfficientDetWeights {
    private final Map<String, FloatTensor> tensors;

    public EfficientDetWeights(Map<String, FloatTensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Map<String, FloatTensor> tensors() {
        return tensors;
    }

    public FloatTensor get(String name) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing weight tensor '" + name + "'");
        }
        return t;
    }

    /** The same tensors as the EfficientNet layer code looks them up (conv, BatchNorm and bias by name). */
    public EfficientNetWeights layers() {
        return new EfficientNetWeights(tensors, false);
    }

    /** Throws unless every tensor the architecture needs is present with the right shape. */
    public void validate(EfficientDetArchitecture arch) {
        for (Map.Entry<String, long[]> e : arch.expectedShapes().entrySet()) {
            FloatTensor t = get(e.getKey());
            if (!t.hasShape(e.getValue())) {
                throw new IllegalArgumentException("weight '" + e.getKey() + "' has shape " + t.shapeString()
                        + ", EfficientDet-" + arch.variant() + " needs " + Arrays.toString(e.getValue()));
            }
        }
    }
}
