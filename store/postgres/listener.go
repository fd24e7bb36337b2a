package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// closeTimeout bounds how long closing the listening connection may take.
const closeTimeout = 2 * time.Second

// listen is the listener goroutine: it keeps one connection listening on
// the schema's channel, reconnecting with backoff, until Close.
func (s *Store) listen() {
	defer close(s.done)
	ctx := s.stopCtx
	backoff := s.cfg.backoffMin
	for {
		err := s.serve(ctx, &backoff)
		s.deaf()
		if ctx.Err() != nil {
			return
		}
		if s.cfg.onError != nil {
			s.cfg.onError(err)
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		backoff = min(2*backoff, s.cfg.backoffMax)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// serve opens a connection, listens, and delivers notifications until the
// connection fails or ctx ends. Once listening it resets the backoff.
func (s *Store) serve(ctx context.Context, backoff *time.Duration) error {
	conn, err := pgx.ConnectConfig(ctx, s.cfg.listenConfig)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		_ = conn.Close(cctx) // the connection is done with either way
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{s.channel()}.Sanitize()); err != nil {
		return err
	}
	*backoff = s.cfg.backoffMin
	s.listening(conn.PgConn().PID())
	for {
		n, err := s.wait(ctx, conn)
		if err != nil {
			return err
		}
		s.publish(parseChange(n.Payload))
	}
}

// wait returns the next notification. When the connection stays silent for
// the health-check interval it pings it, so that a connection that died
// without a word is noticed.
func (s *Store) wait(ctx context.Context, conn *pgx.Conn) (*pgconn.Notification, error) {
	for {
		if s.cfg.healthCheck <= 0 {
			return conn.WaitForNotification(ctx)
		}
		wctx, cancel := context.WithTimeout(ctx, s.cfg.healthCheck)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err == nil || ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) || conn.IsClosed() {
			return n, err
		}
		// The ping may take the interval, and at least a second: a short
		// interval is for noticing silence soon, not for refusing a busy
		// server's slow answer.
		pctx, cancel := context.WithTimeout(ctx, max(s.cfg.healthCheck, time.Second))
		err = conn.Ping(pctx)
		cancel()
		if err != nil {
			return nil, err
		}
		s.pings.Add(1)
	}
}
