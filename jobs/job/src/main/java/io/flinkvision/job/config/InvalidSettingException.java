package io.flinkvision.job.config;

/**
 * A setting that can only be judged once the job is built on its environment (the cluster may give
 * checkpoint interval and timeout): the command line reports it as it does a bad flag, with exit code 2.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSettingException(String message) {
        super(message);
    }
}
