package fakedb

// Note appends text to the log of calls as if it were a call, so that a
// test can interleave its own events, such as an interceptor's before and
// after, with the calls that reached the fake. A note is no event: faults
// never see it and it advances no Event.N; Take and Count read it like
// any logged call.
func (d *DB) Note(text string) {
	d.mu.Lock()
	d.log = append(d.log, text)
	d.mu.Unlock()
}
