package server

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// The server keeps Go's memory near a soft limit: the collector works
// harder as the heap nears it instead of letting it double. A fixed limit
// would make the collector fight a heap that is rightly larger (a cohort of
// 10,000 learners kept in memory; an export's buffers), so the limit
// follows the live heap: max(base, 2.5 × live), and 192 Mio while an export
// runs.

// exportMemoryLimit is the soft memory limit while an export runs: the
// XLSX library streams a sheet through a buffer of 16 to 32 Mio, which the
// everyday limit would make the collector fight (12 s instead of 6 for the
// results of 1,000 learners).
const exportMemoryLimit = 192 << 20

var memoryGovernor struct {
	sync.Mutex
	base    int64 // 0: no governor (tests, or GOMEMLIMIT set)
	exports int
}

// GovernMemory keeps the soft memory limit at max(base, 2.5 × live heap)
// until ctx ends, checking every few seconds.
func GovernMemory(ctx context.Context, base int64) {
	m := &memoryGovernor
	m.Lock()
	m.base = base
	m.Unlock()
	setMemoryLimit()
	go func() {
		t := time.NewTicker(3 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				setMemoryLimit()
			}
		}
	}()
}

var liveHeap = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// setMemoryLimit applies the governor's rule now.
func setMemoryLimit() {
	m := &memoryGovernor
	m.Lock()
	defer m.Unlock()
	if m.base == 0 {
		return
	}
	metrics.Read(liveHeap)
	limit := max(m.base, int64(liveHeap[0].Value.Uint64())*5/2)
	if m.exports > 0 {
		limit = max(limit, exportMemoryLimit)
	}
	debug.SetMemoryLimit(limit)
}

// widenMemory raises the soft memory limit for an export; the function it
// returns ends that once the last export running ends, and hands the
// export's garbage back to the system at once.
func widenMemory() (restore func()) {
	m := &memoryGovernor
	m.Lock()
	m.exports++
	m.Unlock()
	setMemoryLimit()
	var once sync.Once
	return func() {
		once.Do(func() {
			m.Lock()
			m.exports--
			last := m.exports == 0 && m.base != 0
			m.Unlock()
			if last {
				setMemoryLimit()
				debug.FreeOSMemory()
			}
		})
	}
}
