package io.flinkvision.core.detection;

import java.util.Arrays;

/**
 * Boxes a decoder proposes, before suppression: corners in model-input pixels, a score and a class
 * each. Columns of primitives, because a detector proposes thousands per frame.
 */
final class Candidates {
    private float[] x1 = new float[64];
    private float[] y1 = new float[64];
    private float[] x2 = new float[64];
    private float[] y2 = new float[64];
    private float[] score = new float[64];
    private int[] classIndex = new int[64];
    private int size;

    void add(float xMin, float yMin, float xMax, float yMax, float s, int c) {
        if (size == score.length) {
            int n = size * 2;
            x1 = Arrays.copyOf(x1, n);
            y1 = Arrays.copyOf(y1, n);
            x2 = Arrays.copyOf(x2, n);
            y2 = Arrays.copyOf(y2, n);
            score = Arrays.copyOf(score, n);
            classIndex = Arrays.copyOf(classIndex, n);
        }
        x1[size] = xMin;
        y1[size] = yMin;
        x2[size] = xMax;
        y2[size] = yMax;
        score[size] = s;
        classIndex[size] = c;
        size++;
    }

    int size() {
        return size;
    }

    float x1(int i) {
        return x1[i];
    }

    float y1(int i) {
        return y1[i];
    }

    float x2(int i) {
        return x2[i];
    }

    float y2(int i) {
        return y2[i];
    }

    float score(int i) {
        return score[i];
    }

    int classIndex(int i) {
        return classIndex[i];
    }

    /** Intersection over union of boxes i and j; 0 when the union is empty. */
    double iou(int i, int j) {
        double iw = Math.min(x2[i], x2[j]) - Math.max(x1[i], x1[j]);
        double ih = Math.min(y2[i], y2[j]) - Math.max(y1[i], y1[j]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        double union = area(i) + area(j) - inter;
        return union > 0 ? inter / union : 0;
    }

    private double area(int i) {
        return Math.max(0.0, (double) x2[i] - x1[i]) * Math.max(0.0, (double) y2[i] - y1[i]);
    }
}
