package io.flinkvision.core.runtime;

import java.io.Serializable;

/**
 * Where a model runs: the device the options asked for and the one the session got. With CUDA
 * asked for and CPU got, the runner fell back (CUDA could not be initialised and fallback was on).
 *
 * @param requested the device the runner options asked for
 * @param actual the device the session runs on
 * @param cudaDeviceIndex the CUDA device asked for; -1 when CPU was asked for
 */
public record DevicePlacement(Device requested, Device actual, int cudaDeviceIndex) implements Serializable {

    public DevicePlacement {
        if (requested == null || actual == null) {
            throw new IllegalArgumentException("requested and actual device are required");
        }
        if (requested == Device.CPU && actual == Device.CUDA) {
            throw new IllegalArgumentException("a runner asked for CPU cannot run on CUDA");
        }
        if (requested == Device.CUDA ? cudaDeviceIndex < 0 : cudaDeviceIndex != -1) {
            throw new IllegalArgumentException("cudaDeviceIndex must be >= 0 when CUDA was asked for, else -1; got "
                    + cudaDeviceIndex + " for " + requested);
        }
    }

    /** CPU asked for and got. */
    public static DevicePlacement cpu() {
        return new DevicePlacement(Device.CPU, Device.CPU, -1);
    }

    /** CUDA device {@code index} asked for and got. */
    public static DevicePlacement cuda(int index) {
        return new DevicePlacement(Device.CUDA, Device.CUDA, index);
    }

    /** CUDA device {@code index} asked for, CPU got. */
    public static DevicePlacement fellBackFromCuda(int index) {
        return new DevicePlacement(Device.CUDA, Device.CPU, index);
    }

    /** Whether CUDA was asked for and the model runs on the CPU instead. */
    public boolean fellBackToCpu() {
        return requested == Device.CUDA && actual == Device.CPU;
    }

    /** Where it runs, as the {@code device} metric reports it: "cpu" or "cuda:N". */
    public String device() {
        return actual == Device.CUDA ? "cuda:" + cudaDeviceIndex : "cpu";
    }

    /** For logs: the device, and the CUDA device it fell back from if it did. */
    @Override
    public String toString() {
        return fellBackToCpu() ? "cpu (fell back from unavailable cuda:" + cudaDeviceIndex + ")" : device();
    }
}
