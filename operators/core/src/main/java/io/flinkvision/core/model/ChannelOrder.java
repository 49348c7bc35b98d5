package io.flinkvision.core.model;

/** Order of colour channels a model was trained with. */
public enum ChannelOrder {
    RGB,
    BGR
}
