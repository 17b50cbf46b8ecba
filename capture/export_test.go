package capture

// WaitForPerson blocks until the demo camera's person is cut out, so that a test's clock and
// the pictures agree.
func (d *Demo) WaitForPerson() {
	d.mu.Lock()
	c := d.cutout
	d.mu.Unlock()
	if p, ok := <-c; ok {
		d.mu.Lock()
		d.person = p
		d.mu.Unlock()
	}
}
