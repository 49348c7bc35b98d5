package io.flinkvision.flink;

import io.flinkvision.core.windows.WindowAccumulator;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type of the window state: serialized by {@link WindowAccumulatorSerializer}, so neither
 * Kryo nor the POJO serializer (which would have to see into the latency histogram) is involved.
 */
public final class WindowAccumulatorTypeInfo extends TypeInformation<WindowAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<WindowAccumulator> getTypeClass() {
        return WindowAccumulator.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<WindowAccumulator> createSerializer(SerializerConfig config) {
        return new WindowAccumulatorSerializer();
    }

    @Override
    public String toString() {
        return "WindowAccumulatorTypeInfo";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowAccumulatorTypeInfo;
    }

    @Override
    public int hashCode() {
        return WindowAccumulatorTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof WindowAccumulatorTypeInfo;
    }
}
