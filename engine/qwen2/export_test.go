package qwen2

// The float64 reference helpers, for the external test package's float64
// twin of the model (finite-difference gradient checks need a model whose
// parameters are float64, which ReferenceLogits does not offer).
var (
	RefLinear  = refLinear
	RefRMSNorm = refRMSNorm
	RefRoPE    = refRoPE
)
