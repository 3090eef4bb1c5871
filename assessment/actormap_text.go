package assessment

// amapMeasureHook, set by tests only, is told of each text measure with the
// number of runes it reads.
var amapMeasureHook func(runes int)
