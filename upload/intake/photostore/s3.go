package photostore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3 keeps photos as objects PREFIX/<key>.jpg in a bucket of an S3-compatible store. S3's
// PUT is atomic (an object is whole or absent) and durable when it answers.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string // "" or ending in "/"
	name   string
}

func newS3Client(opts Options) (*minio.Client, error) {
	if opts.Endpoint == "" {
		return nil, errors.New("photostore: an S3 endpoint is required")
	}
	return minio.New(opts.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(opts.AccessKey, opts.SecretKey, ""),
		Secure: !opts.Insecure,
		Region: opts.Region,
	})
}

// OpenS3 opens the store in an existing bucket; it fails when the bucket is not there or the
// credentials are refused.
func OpenS3(ctx context.Context, bucket, prefix string, opts Options) (*S3, error) {
	if bucket == "" {
		return nil, errors.New("photostore: s3://BUCKET/PREFIX needs a bucket")
	}
	c, err := newS3Client(opts)
	if err != nil {
		return nil, fmt.Errorf("photostore: %w", err)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	s := &S3{client: c, bucket: bucket, prefix: prefix, name: "s3://" + bucket + "/" + prefix + " at " + opts.Endpoint}
	ok, err := c.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("photostore: %s: %w", s.name, err)
	}
	if !ok {
		return nil, fmt.Errorf("photostore: %s: no such bucket", s.name)
	}
	return s, nil
}

// MakeBucket creates a bucket (set-up and tests; the intake itself never creates one).
func MakeBucket(ctx context.Context, bucket string, opts Options) error {
	c, err := newS3Client(opts)
	if err != nil {
		return err
	}
	return c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: opts.Region})
}

func (s *S3) String() string { return s.name }

func (s *S3) object(key string) string { return s.prefix + key + ".jpg" }

// Put always writes (an S3 PUT of the same bytes is harmless): it renews the object's time, so
// a photo being uploaded again is never swept.
func (s *S3) Put(ctx context.Context, key string, data []byte) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, err := s.client.PutObject(ctx, s.bucket, s.object(key), bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "image/jpeg", SendContentMd5: true})
	return err
}

func (s *S3) Get(ctx context.Context, key string) ([]byte, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return nil, ErrNotFound
	}
	return b, err
}

func (s *S3) List(ctx context.Context, olderThan time.Time, fn func(key string) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine when fn fails
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
		key, ok := strings.CutSuffix(strings.TrimPrefix(obj.Key, s.prefix), ".jpg")
		if !ok || checkKey(key) != nil || !obj.LastModified.Before(olderThan) {
			continue
		}
		if err := fn(key); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	return s.client.RemoveObject(ctx, s.bucket, s.object(key), minio.RemoveObjectOptions{})
}
