package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/oauthapps/oauthapps/bench/internal/loadproto"
)

// server is one running cmd/loadserver.
type server struct {
	cmd     *exec.Cmd
	ready   loadproto.Ready
	creds   []loadproto.Client
	started time.Time
	exited  chan struct{}
}

// start runs the server with GOMAXPROCS=o.procs and waits for its ready
// line.
func start(o options, args []string) (*server, error) {
	if o.profile != "" {
		args = append(args, "-pprof")
	}
	cmd := exec.Command(o.server, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(o.procs))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, started: time.Now(), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &s.ready)
	}
	go func() {
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait()
		close(s.exited)
	}()
	if err != nil {
		s.stop()
		return nil, fmt.Errorf("%s: no ready line: %w", strings.Join(args, " "), err)
	}
	s.creds = s.ready.Clients
	return s, nil
}

func (s *server) stop() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// cpu returns the user and system CPU time the server has used so far.
func (s *server) cpu() (time.Duration, error) {
	select {
	case <-s.exited:
		return 0, errors.New("server exited")
	default:
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th, in clock ticks of 1/100 s.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond, nil
}

// peakHeap asks the server for the largest heap it has held.
func (s *server) peakHeap() uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.ready.Addr+"/stats", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var st struct {
		Peak uint64 `json:"peak_heap_bytes"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&st)
	return st.Peak
}

// writeProfile fetches a CPU profile of most of the measured run.
func (s *server) writeProfile(o options, workload string) {
	secs := max(1, int(o.duration/time.Second)-1)
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.ready.Addr, secs))
	if err != nil {
		log.Print(err)
		return
	}
	defer resp.Body.Close()
	name := strings.NewReplacer(" ", "_", "-", "", "=", "").Replace(args(s)) + "-" + workload + ".pprof"
	f, err := os.Create(filepath.Join(o.profile, name))
	if err != nil {
		log.Print(err)
		return
	}
	defer f.Close()
	_, _ = io.Copy(f, resp.Body)
}
