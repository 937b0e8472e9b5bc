package metal

// The binding list: every C function, class and selector the backend uses.
// The darwin code looks each name up once (functions with Dlsym, classes
// with objc_getClass, selectors with sel_registerName) and refers to them
// only through these constants, so this table is the whole surface the
// backend touches. testdata/objc_names.txt is its committed copy: the test
// compares the two on every OS and resolves every name on macOS.

// bindKind says how a name is resolved.
type bindKind string

const (
	bindFunc  bindKind = "func"  // a C function, dlsym'd from Lib
	bindClass bindKind = "class" // an Objective-C class
	bindSel   bindKind = "sel"   // a selector, sent to an object of kind Recv
)

// binding is one name and, for a selector, which object it is sent to
// (a class or protocol name), so the macOS test can ask that object
// respondsToSelector:.
type binding struct {
	kind bindKind
	name string
	recv string // selectors: receiver; functions: library
}

const (
	metalLib = "/System/Library/Frameworks/Metal.framework/Metal"
	objcLib  = "/usr/lib/libobjc.A.dylib"
)

// Selector indices into sels (darwin).
const (
	selAlloc = iota
	selInit
	selRelease
	selRetain
	selRespondsTo
	selInitWithBytes
	selUTF8String
	selLocalizedDescription
	selName
	selHasUnifiedMemory
	selRecommendedMaxWorkingSet
	selCurrentAllocatedSize
	selMaxBufferLength
	selSupportsFamily
	selNewCommandQueue
	selNewBuffer
	selContents
	selSetLanguageVersion
	selLanguageVersion
	selSetFastMathEnabled
	selNewLibraryWithSource
	selNewFunctionWithName
	selNewPipeline
	selMaxThreadsPerGroup
	selCommandBuffer
	selComputeCommandEncoder
	selSetPipeline
	selSetBuffer
	selSetBytes
	selDispatch
	selEndEncoding
	selCommit
	selWaitUntilCompleted
	selStatus
	selError
	numSels
)

// selectorTable is the selectors in index order with their receivers.
var selectorTable = [numSels]binding{
	selAlloc:                    {bindSel, "alloc", "NSObject"},
	selInit:                     {bindSel, "init", "NSObject"},
	selRelease:                  {bindSel, "release", "NSObject"},
	selRetain:                   {bindSel, "retain", "NSObject"},
	selRespondsTo:               {bindSel, "respondsToSelector:", "NSObject"},
	selInitWithBytes:            {bindSel, "initWithBytes:length:encoding:", "NSString"},
	selUTF8String:               {bindSel, "UTF8String", "NSString"},
	selLocalizedDescription:     {bindSel, "localizedDescription", "NSError"},
	selName:                     {bindSel, "name", "MTLDevice"},
	selHasUnifiedMemory:         {bindSel, "hasUnifiedMemory", "MTLDevice"},
	selRecommendedMaxWorkingSet: {bindSel, "recommendedMaxWorkingSetSize", "MTLDevice"},
	selCurrentAllocatedSize:     {bindSel, "currentAllocatedSize", "MTLDevice"},
	selMaxBufferLength:          {bindSel, "maxBufferLength", "MTLDevice"},
	selSupportsFamily:           {bindSel, "supportsFamily:", "MTLDevice"},
	selNewCommandQueue:          {bindSel, "newCommandQueue", "MTLDevice"},
	selNewBuffer:                {bindSel, "newBufferWithLength:options:", "MTLDevice"},
	selContents:                 {bindSel, "contents", "MTLBuffer"},
	selSetLanguageVersion:       {bindSel, "setLanguageVersion:", "MTLCompileOptions"},
	selLanguageVersion:          {bindSel, "languageVersion", "MTLCompileOptions"},
	selSetFastMathEnabled:       {bindSel, "setFastMathEnabled:", "MTLCompileOptions"},
	selNewLibraryWithSource:     {bindSel, "newLibraryWithSource:options:error:", "MTLDevice"},
	selNewFunctionWithName:      {bindSel, "newFunctionWithName:", "MTLLibrary"},
	selNewPipeline:              {bindSel, "newComputePipelineStateWithFunction:error:", "MTLDevice"},
	selMaxThreadsPerGroup:       {bindSel, "maxTotalThreadsPerThreadgroup", "MTLComputePipelineState"},
	selCommandBuffer:            {bindSel, "commandBuffer", "MTLCommandQueue"},
	selComputeCommandEncoder:    {bindSel, "computeCommandEncoder", "MTLCommandBuffer"},
	selSetPipeline:              {bindSel, "setComputePipelineState:", "MTLComputeCommandEncoder"},
	selSetBuffer:                {bindSel, "setBuffer:offset:atIndex:", "MTLComputeCommandEncoder"},
	selSetBytes:                 {bindSel, "setBytes:length:atIndex:", "MTLComputeCommandEncoder"},
	selDispatch:                 {bindSel, "dispatchThreadgroups:threadsPerThreadgroup:", "MTLComputeCommandEncoder"},
	selEndEncoding:              {bindSel, "endEncoding", "MTLComputeCommandEncoder"},
	selCommit:                   {bindSel, "commit", "MTLCommandBuffer"},
	selWaitUntilCompleted:       {bindSel, "waitUntilCompleted", "MTLCommandBuffer"},
	selStatus:                   {bindSel, "status", "MTLCommandBuffer"},
	selError:                    {bindSel, "error", "MTLCommandBuffer"},
}

// Class and function indices.
const (
	clsNSString = iota
	clsCompileOptions
	numClasses
)

var classTable = [numClasses]binding{
	clsNSString:       {bindClass, "NSString", ""},
	clsCompileOptions: {bindClass, "MTLCompileOptions", ""},
}

const (
	fnCreateDevice = iota
	fnPoolPush
	fnPoolPop
	fnMsgSend
	numFuncs
)

var funcTable = [numFuncs]binding{
	fnCreateDevice: {bindFunc, "MTLCreateSystemDefaultDevice", metalLib},
	fnPoolPush:     {bindFunc, "objc_autoreleasePoolPush", objcLib},
	fnPoolPop:      {bindFunc, "objc_autoreleasePoolPop", objcLib},
	fnMsgSend:      {bindFunc, "objc_msgSend", objcLib},
}

// bindings is every name, functions then classes then selectors: the
// order of testdata/objc_names.txt.
func bindings() []binding {
	var out []binding
	out = append(out, funcTable[:]...)
	out = append(out, classTable[:]...)
	return append(out, selectorTable[:]...)
}

// String is one line of the committed list.
func (b binding) String() string {
	if b.recv == "" {
		return string(b.kind) + " " + b.name
	}
	return string(b.kind) + " " + b.name + " " + b.recv
}
