package iostreams

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode"
)

// spinnerInterval is how often the spinner advances; fast enough to look
// alive, slow enough not to flood a slow terminal.
const spinnerInterval = 120 * time.Millisecond

// spinnerFrames are drawn in turn by the spinner, one rune per frame.
const spinnerFrames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

// clearLine returns the cursor to column 0 and erases the line.
const clearLine = "\r\x1b[K"

// StartProgress shows msg as the current activity of a long wait. It writes
// to ErrOut only, never to Out, so piped data stays clean.
//
// When stderr is a terminal, it draws a spinner that redraws in place until
// StopProgress; calling StartProgress again while it spins changes the
// message. When stderr is not a terminal, it prints msg once as a plain line
// (consecutive calls with the same message print it once), so CI logs show
// what a slow command is waiting for without spinner noise.
//
// Stop the progress before writing anything else to ErrOut: the spinner owns
// the current line.
func (s *IOStreams) StartProgress(msg string) {
	s.progressMu.Lock()
	defer s.progressMu.Unlock()
	msg = oneLine(msg)
	if !s.stderrTTY {
		if msg != s.lastLine {
			// A lost progress line is not worth failing the command for.
			_, _ = fmt.Fprintln(s.ErrOut, msg)
			s.lastLine = msg
		}
		return
	}
	if s.spin != nil {
		s.spin.setMessage(msg)
		return
	}
	s.spin = startSpinner(s.ErrOut, msg, measureWidth(s.ErrOut))
}

// StopProgress stops the spinner started by StartProgress and erases its
// line. It is safe to call when no progress is shown.
func (s *IOStreams) StopProgress() {
	s.progressMu.Lock()
	defer s.progressMu.Unlock()
	s.lastLine = ""
	if s.spin == nil {
		return
	}
	s.spin.stop()
	s.spin = nil
}

// spinner redraws one line of a terminal until stopped.
type spinner struct {
	w      io.Writer
	width  int
	frames []rune
	done   chan struct{}
	quit   chan struct{}

	mu    sync.Mutex // guards msg, frame and writes to w
	msg   string
	frame int
}

// startSpinner draws the first frame at once, so even a short wait shows
// something, then animates in a goroutine.
func startSpinner(w io.Writer, msg string, width int) *spinner {
	sp := &spinner{
		w:      w,
		width:  width,
		frames: []rune(spinnerFrames),
		msg:    msg,
		done:   make(chan struct{}),
		quit:   make(chan struct{}),
	}
	sp.mu.Lock()
	sp.draw()
	sp.mu.Unlock()
	go sp.run()
	return sp
}

func (sp *spinner) run() {
	defer close(sp.done)
	ticker := time.NewTicker(spinnerInterval)
	defer ticker.Stop()
	for {
		select {
		case <-sp.quit:
			return
		case <-ticker.C:
			sp.mu.Lock()
			sp.frame = (sp.frame + 1) % len(sp.frames)
			sp.draw()
			sp.mu.Unlock()
		}
	}
}

func (sp *spinner) setMessage(msg string) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.msg = msg
	sp.draw()
}

// stop ends the animation, waits for the goroutine and erases the line.
func (sp *spinner) stop() {
	close(sp.quit)
	<-sp.done
	sp.mu.Lock()
	defer sp.mu.Unlock()
	// A lost progress line is not worth failing the command for.
	_, _ = io.WriteString(sp.w, clearLine)
}

// draw writes the current frame; the caller holds sp.mu. The line is cut to
// the terminal width because a wrapped line cannot be redrawn with \r.
func (sp *spinner) draw() {
	line := string(sp.frames[sp.frame]) + " " + sp.msg
	if r := []rune(line); len(r) > sp.width-1 {
		line = string(r[:max(sp.width-1, 0)])
	}
	_, _ = io.WriteString(sp.w, clearLine+line) // see stop
}

// oneLine replaces control characters, newlines included, with spaces:
// messages may carry names from the cloud, and an escape sequence or newline
// in them would corrupt the terminal or the spinner line.
func oneLine(msg string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, msg)
}
