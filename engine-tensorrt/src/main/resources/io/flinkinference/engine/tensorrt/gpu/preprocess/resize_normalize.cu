// Resizes a batch of uint8 RGB (HWC) images bilinearly, crops or pads them as ImageDesc says, and
// writes the model's float input: channel order, (pixel * scale - mean) / std folded into one
// multiply and one add per channel, NCHW or NHWC. Threads along x write consecutive floats of a
// channel plane, so stores coalesce.
// PreprocessReference.java is the same arithmetic in Java; compile with --fmad=false so that
// both round identically.

// Selects by comparison rather than indexing a register array with a run-time value, which would
// move the array to local memory.
__device__ __forceinline__ float pick(int which, float r, float g, float b, float gray) {
    return which == 0 ? r : which == 1 ? g : which == 2 ? b : gray;
}

// ImageBatchLayout.java writes these; ImageGeometry.java says what the fields mean per mode.
struct ImageDesc {
    long long offset;   // first byte of the image in the source buffer
    int height;
    int width;
    int resized_width;  // output pixels with left + x >= resized_width are padding (fit-height-pad)
    float scale_x;      // width / resized_width and height / resized_height, divided once on the
    float scale_y;      // host: IEEE division there and here gives the same float
    int left;           // where the output window starts in the resized image: the centre crop's
    int top;            // margins, 0 for the other modes
    int unused;         // keeps the struct a multiple of 8 bytes, so every offset stays aligned
};

// Each thread makes four horizontally adjacent output pixels of one row: the row's source rows
// and vertical weight are computed once, and with NCHW output and a width that is a multiple of
// four each channel's four values leave as one 16-byte store. The kernel is bound by instruction
// issue (measured with Nsight Compute), so work shared by the four pixels is done once.
extern "C" __global__ void resize_normalize(
        const unsigned char* __restrict__ src, const ImageDesc* __restrict__ images,
        float* __restrict__ dst, int out_h, int out_w, int out_channels, int nhwc,
        int source0, int source1, int source2,   // 0 = R, 1 = G, 2 = B, 3 = gray, per output channel
        float mul0, float mul1, float mul2, float add0, float add1, float add2) {
    const int x = (blockIdx.x * blockDim.x + threadIdx.x) * 4;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    const int n = blockIdx.z;
    if (x >= out_w || y >= out_h) {
        return;
    }
    const ImageDesc d = images[n];
    const long long plane = (long long) out_h * out_w;
    float* out = dst + (long long) n * out_channels * plane;

    // Output (x, y) is resized pixel (left + x, top + y); the integer sums are exact in float, and
    // with no crop the arithmetic is that of the modes without one.
    float sy = ((float) (d.top + y) + 0.5f) * d.scale_y - 0.5f;   // half-pixel centres
    sy = fminf(fmaxf(sy, 0.f), (float) (d.height - 1));
    const int y0 = (int) sy;
    const int y1 = min(y0 + 1, d.height - 1);
    const float fy = sy - (float) y0;
    const unsigned char* row0 = src + d.offset + (long long) y0 * d.width * 3;
    const unsigned char* row1 = src + d.offset + (long long) y1 * d.width * 3;

    float value[4][3];
#pragma unroll
    for (int i = 0; i < 4; i++) {
        value[i][0] = 0.f;   // padding stays 0 after normalization, as in PaddleOCR
        value[i][1] = 0.f;
        value[i][2] = 0.f;
        const int xi = d.left + x + i;
        if (xi < d.resized_width) {
            float sx = ((float) xi + 0.5f) * d.scale_x - 0.5f;
            sx = fminf(fmaxf(sx, 0.f), (float) (d.width - 1));
            const int x0 = (int) sx;
            const int x1 = min(x0 + 1, d.width - 1);
            const float fx = sx - (float) x0;
            const int c0 = x0 * 3;
            const int c1 = x1 * 3;
            float rgb[3];
#pragma unroll
            for (int c = 0; c < 3; c++) {
                const float top = (1.f - fx) * (float) row0[c0 + c] + fx * (float) row0[c1 + c];
                const float bottom = (1.f - fx) * (float) row1[c0 + c] + fx * (float) row1[c1 + c];
                rgb[c] = (1.f - fy) * top + fy * bottom;
            }
            const float gray = 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
            value[i][0] = pick(source0, rgb[0], rgb[1], rgb[2], gray) * mul0 + add0;
            value[i][1] = pick(source1, rgb[0], rgb[1], rgb[2], gray) * mul1 + add1;
            value[i][2] = pick(source2, rgb[0], rgb[1], rgb[2], gray) * mul2 + add2;
        }
    }
    if (!nhwc && (out_w & 3) == 0) {
#pragma unroll
        for (int c = 0; c < 3; c++) {
            if (c < out_channels) {
                float4 four = make_float4(value[0][c], value[1][c], value[2][c], value[3][c]);
                *reinterpret_cast<float4*>(out + c * plane + (long long) y * out_w + x) = four;
            }
        }
        return;
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
        if (x + i < out_w) {
#pragma unroll
            for (int c = 0; c < 3; c++) {
                if (c < out_channels) {
                    const long long at = nhwc ? ((long long) y * out_w + x + i) * out_channels + c
                                              : c * plane + (long long) y * out_w + x + i;
                    out[at] = value[i][c];
                }
            }
        }
    }
}
